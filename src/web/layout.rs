//! The frame of every page: skip link, header with the service name, the
//! navigation the reader's role allows, the language switcher, sign in or
//! out, and the footer. Plain HTML and our own stylesheet, no script.

use maud::{DOCTYPE, Markup, html};

use super::error::encode;
use super::i18n::Lang;
use super::session::Viewer;
use crate::domain::Role;

/// A whole page titled `title` around `content`.
pub fn page(viewer: &Viewer, title: &str, content: Markup) -> Markup {
    let tr = viewer.tr;
    let path = viewer.here.split('?').next().unwrap_or("/");
    let mut nav: Vec<(&str, String)> = vec![
        ("nav.overview", "/".into()),
        ("nav.applicants", "/applicants".into()),
    ];
    match viewer.role() {
        Some(Role::Secretariat) => {
            nav.push(("nav.rounds", "/rounds".into()));
            nav.push(("nav.proposals", "/proposals".into()));
        }
        Some(Role::City(c)) => {
            nav.push(("nav.my_city", format!("/cities/{c}")));
            nav.push(("nav.proposals", "/proposals".into()));
        }
        _ => {}
    }
    nav.push(("nav.exports", "/exports".into()));
    let current = |href: &str| {
        if href == "/" {
            path == "/"
        } else {
            path == href || path.starts_with(&format!("{href}/"))
        }
    };
    html! {
        (DOCTYPE)
        html lang=(tr.lang().code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " – twinmatch" }
                link rel="stylesheet" href="/assets/app.css";
                link rel="icon" href="/assets/favicon.svg" type="image/svg+xml";
            }
            body {
                a href="#main" class="skip-link" { (tr.t("layout.skip")) }
                header class="header" {
                    div class="width header-row" {
                        a class="brand" href="/" {
                            span class="brand-name" { "twinmatch" }
                            span class="brand-tag" { (tr.t("layout.tagline")) }
                        }
                        div class="account" {
                            @if let Some(token) = &viewer.token {
                                span class="account-who" {
                                    (tr.t("layout.signed_in_as")) " "
                                    strong { (role_label(viewer, token.role)) }
                                    @if !token.label.is_empty() { " (" (token.label) ")" }
                                }
                                form method="post" action="/sign-out" class="inline" {
                                    input type="hidden" name="csrf" value=(viewer.csrf());
                                    button type="submit" class="link-button" { (tr.t("layout.sign_out")) }
                                }
                            } @else {
                                a href={ "/sign-in?back=" (encode(&viewer.here)) } { (tr.t("layout.sign_in")) }
                            }
                        }
                    }
                    nav class="width nav" aria-label=(tr.t("layout.nav_label")) {
                        ul {
                            @for (key, href) in &nav {
                                li {
                                    @if current(href) {
                                        a href=(href) aria-current="page" { (tr.t(key)) }
                                    } @else {
                                        a href=(href) { (tr.t(key)) }
                                    }
                                }
                            }
                        }
                    }
                }
                div class="width" {
                    nav class="language" aria-label=(tr.t("layout.language_label")) {
                        ul {
                            @for lang in Lang::ALL {
                                li {
                                    @if lang == tr.lang() {
                                        span aria-current="true" lang=(lang.code()) { (lang.native_name()) }
                                    } @else {
                                        a href={ "/language?to=" (lang.code()) "&back=" (encode(&viewer.here)) }
                                          lang=(lang.code()) hreflang=(lang.code()) { (lang.native_name()) }
                                    }
                                }
                            }
                        }
                    }
                    main id="main" class="main" tabindex="-1" { (content) }
                }
                footer class="footer" {
                    div class="width" {
                        p { (tr.t("layout.footer")) }
                        p { a href="/api/docs" { (tr.t("layout.api_docs")) } }
                    }
                }
            }
        }
    }
}

/// "Secretariat", "Observer", or the city a token acts for.
fn role_label(viewer: &Viewer, role: Role) -> String {
    let tr = viewer.tr;
    match role {
        Role::Secretariat => tr.t("roles.secretariat").to_string(),
        Role::Observer => tr.t("roles.observer").to_string(),
        Role::City(c) => viewer
            .city_name
            .clone()
            .unwrap_or_else(|| tr.f("roles.city", &[("id", &c)])),
    }
}
