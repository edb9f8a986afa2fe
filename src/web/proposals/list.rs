//! `/proposals`: the proposals a reader may see, by run and status.
use super::*;

#[derive(Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    run: String,
    #[serde(default)]
    status: String,
}

pub(super) async fn list(
    State(state): State<App>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> Result<Markup, WebError> {
    let actor = viewer.actor()?;
    let tr = viewer.tr;
    let city = actor.role.city();
    let runs = runs::all(&state, viewer.reader()).await?;
    // A city sees all its proposals; the others see one run, by default
    // the one in force.
    let run = match q.run.trim() {
        "" if city.is_some() => None,
        "" => runs::current(&state, viewer.reader()).await?.map(|r| r.id),
        "all" => None,
        raw => Some(raw.parse::<i64>().map_err(|_| WebError::NotFound)?),
    };
    let status = match q.status.trim() {
        "" => None,
        raw => Some(ProposalStatus::parse(raw).map_err(|_| WebError::NotFound)?),
    };
    let proposals = workflow::list(
        &state,
        viewer.reader(),
        &ListProposals {
            run,
            city,
            status,
            paging: Paging {
                page: 1,
                per_page: Paging::MAX_PER_PAGE,
            },
        },
    )
    .await?;
    let mut names = Names::default();
    for p in &proposals.items {
        names.of(&state, p.mentor).await?;
        names.of(&state, p.applicant).await?;
    }
    let run_options: Vec<(String, String)> =
        std::iter::once(("all".to_string(), tr.t("proposals.all_runs").to_string()))
            .chain(runs.iter().map(|r| {
                let label = tr.f(
                    "proposals.run_option",
                    &[
                        ("name", &run_title(tr, r)),
                        ("date", &day(&r.created_at)),
                        ("status", &run_status_name(tr, r.status)),
                    ],
                );
                (r.id.to_string(), label)
            }))
            .collect();
    let status_options: Vec<(String, String)> =
        std::iter::once((String::new(), tr.t("proposals.any_status").to_string()))
            .chain(
                ProposalStatus::ALL
                    .iter()
                    .map(|s| (s.name().to_string(), status_name(tr, *s).to_string())),
            )
            .collect();
    let selected_run = run.map_or_else(|| "all".to_string(), |r| r.to_string());
    let no_errors = FieldErrors::default();
    let content = html! {
        h1 class="heading-xl" { (tr.t("proposals.title")) }
        @if let Some(name) = &viewer.city_name {
            p class="lead" { (tr.f("proposals.lead_city", &[("city", name)])) }
        } @else {
            p class="lead" { (tr.t("proposals.lead_all")) }
        }
        form method="get" action="/proposals" class="filters no-print" {
            div class="filters-row" {
                (select(tr, &no_errors, "run", tr.t("proposals.filter_run"), &run_options, &selected_run))
                (select(tr, &no_errors, "status", tr.t("proposals.filter_status"), &status_options, status.map_or("", |s| s.name())))
                div class="form-group" {
                    button type="submit" class="button button-secondary" { (tr.t("proposals.filter_apply")) }
                }
            }
        }
        @if proposals.items.is_empty() {
            p class="body" { (tr.t("proposals.none")) }
        } @else {
            div class="table-wrap" tabindex="0" {
                table class="table" {
                    caption { (tr.f("proposals.caption", &[("n", &proposals.total)])) }
                    thead {
                        tr {
                            th scope="col" { (tr.t("proposals.col_proposal")) }
                            @if city.is_some() {
                                th scope="col" { (tr.t("proposals.col_other_city")) }
                                th scope="col" { (tr.t("proposals.col_role")) }
                            } @else {
                                th scope="col" { (tr.t("proposals.mentor")) }
                                th scope="col" { (tr.t("proposals.applicant")) }
                            }
                            th scope="col" class="num" { (tr.t("proposals.col_score")) }
                            th scope="col" { (tr.t("proposals.col_status")) }
                            th scope="col" { (tr.t("proposals.col_next")) }
                        }
                    }
                    tbody {
                        @for p in &proposals.items {
                            tr {
                                td { a href={ "/proposals/" (p.id) } { (tr.f("proposals.number", &[("id", &p.id)])) } }
                                @if let Some(me) = city {
                                    @let (other, role_key) = if p.mentor == me {
                                        (p.applicant, "proposals.role_you_mentor")
                                    } else {
                                        (p.mentor, "proposals.role_you_are_mentored")
                                    };
                                    td { a href={ "/cities/" (other) } { (names.get(other)) } }
                                    td { (tr.t(role_key)) }
                                } @else {
                                    td { a href={ "/cities/" (p.mentor) } { (names.get(p.mentor)) } }
                                    td { a href={ "/cities/" (p.applicant) } { (names.get(p.applicant)) } }
                                }
                                td class="num" { (p.score) }
                                td { (status_tag(tr, p)) }
                                td { (next_step(tr, actor.role, p)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout::page(&viewer, tr.t("proposals.title"), content))
}
