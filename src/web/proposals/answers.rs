//! The answers to a proposal: accept, decline, complete and cancel, the
//! forms that send them and what the page shows after each.
use super::detail::detail;
use super::*;

/// Accept and decline, as the reader's city or (the secretariat) for a side.
pub(super) fn answer_forms(
    viewer: &Viewer,
    p: &StoredProposal,
    mine: Option<Side>,
    typed: &Typed,
) -> Markup {
    let tr = viewer.tr;
    let errors = &typed.errors;
    let sides: Vec<Side> = match mine {
        Some(s) => vec![s],
        None => vec![Side::Mentor, Side::Applicant],
    };
    let side_items: Vec<Choice> = [Side::Mentor, Side::Applicant]
        .into_iter()
        .map(|s| Choice {
            value: side_name(s).to_string(),
            label: side_label(tr, s).to_string(),
            hint: None,
            checked: typed.side == side_name(s),
        })
        .collect();
    html! {
        @let to_accept: Vec<Side> = sides.iter().copied().filter(|s| !has_accepted(p, *s)).collect();
        @if !to_accept.is_empty() {
            h3 class="heading-s" { (tr.t("proposals.accept_title")) }
            p class="body" { (tr.t("proposals.accept_hint")) }
            div class="button-group" {
                @for s in &to_accept {
                    form method="post" action={ "/proposals/" (p.id) "/accept" } class="inline" {
                        (csrf_field(viewer))
                        input type="hidden" name="version" value=(p.version);
                        @if mine.is_none() {
                            input type="hidden" name="side" value=(side_name(*s));
                        }
                        button type="submit" class="button" {
                            @if mine.is_none() {
                                (tr.t(match s { Side::Mentor => "proposals.accept_for_mentor", Side::Applicant => "proposals.accept_for_applicant" }))
                            } @else {
                                (tr.t("proposals.accept"))
                            }
                        }
                    }
                }
            }
        }
        h3 class="heading-s" { (tr.t("proposals.decline_title")) }
        form method="post" action={ "/proposals/" (p.id) "/decline" } novalidate {
            (csrf_field(viewer))
            input type="hidden" name="version" value=(p.version);
            @if mine.is_none() {
                (choices(tr, errors, "side", tr.t("proposals.decline_side"), None, &side_items, false))
            }
            (textarea(tr, errors, "reason", tr.t("proposals.decline_reason"), Some(tr.t("proposals.decline_reason_hint")), &typed.reason))
            // Declining bans the pair for good: the box says so and must be ticked.
            (choices(tr, errors, "confirm", tr.t("proposals.decline_confirm_legend"), None, &[Choice {
                value: "yes".into(),
                label: tr.t("proposals.decline_confirm").into(),
                hint: None,
                checked: typed.confirmed,
            }], true))
            button type="submit" class="button button-warning" { (tr.t("proposals.decline")) }
        }
    }
}

pub(super) fn side_name(s: Side) -> &'static str {
    match s {
        Side::Mentor => "mentor",
        Side::Applicant => "applicant",
    }
}

pub(super) fn side_label(tr: Tr, s: Side) -> &'static str {
    match s {
        Side::Mentor => tr.t("proposals.mentor"),
        Side::Applicant => tr.t("proposals.applicant"),
    }
}

pub(super) fn complete_form(viewer: &Viewer, p: &StoredProposal, typed: &Typed) -> Markup {
    let tr = viewer.tr;
    let errors = &typed.errors;
    let ratings: Vec<Choice> = (1..=5)
        .map(|n| Choice {
            value: n.to_string(),
            label: tr
                .t(match n {
                    1 => "proposals.rating_1",
                    2 => "proposals.rating_2",
                    3 => "proposals.rating_3",
                    4 => "proposals.rating_4",
                    _ => "proposals.rating_5",
                })
                .to_string(),
            hint: None,
            checked: typed.rating == n.to_string(),
        })
        .collect();
    html! {
        h3 class="heading-s" { (tr.t("proposals.complete_title")) }
        form method="post" action={ "/proposals/" (p.id) "/complete" } novalidate {
            (csrf_field(viewer))
            input type="hidden" name="version" value=(p.version);
            (choices(tr, errors, "rating", tr.t("proposals.rating"), Some(tr.t("proposals.rating_hint")), &ratings, false))
            (textarea(tr, errors, "report", tr.t("proposals.report"), Some(tr.t("proposals.report_hint")), &typed.report))
            button type="submit" class="button" { (tr.t("proposals.complete")) }
        }
    }
}

pub(super) fn cancel_form(viewer: &Viewer, p: &StoredProposal, typed: &Typed) -> Markup {
    let tr = viewer.tr;
    html! {
        h3 class="heading-s" { (tr.t("proposals.cancel_title")) }
        form method="post" action={ "/proposals/" (p.id) "/cancel" } novalidate {
            (csrf_field(viewer))
            input type="hidden" name="version" value=(p.version);
            (textarea(tr, &typed.errors, "cancel_reason", tr.t("proposals.cancel_reason"), Some(tr.t("proposals.cancel_reason_hint")), &typed.cancel_reason))
            button type="submit" class="button button-warning" { (tr.t("proposals.cancel")) }
        }
    }
}

/// The parts every answer shares: the reader, the proposal and the
/// version the form was made from.
pub(super) async fn posted(
    state: &App,
    viewer: &Viewer,
    raw_id: &str,
    form: &FormData,
) -> Result<(Actor, StoredProposal, i64), WebError> {
    form.check_csrf(viewer)?;
    let id = parse_id(raw_id)?;
    let actor = viewer.actor()?;
    let p = visible(state, viewer, id).await?;
    let version = form
        .get("version")
        .trim()
        .parse::<i64>()
        .map_err(|_| WebError::BadRequest("the form carries no version".into()))?;
    Ok((actor, p, version))
}

/// The API's answer as a page: done -> back to the proposal with a banner;
/// a refused field -> the form again with the message next to it; someone
/// answered first -> the proposal as it is now, with a clear message.
pub(super) async fn outcome(
    state: &App,
    viewer: &Viewer,
    p: &StoredProposal,
    result: Result<StoredProposal, AppError>,
    done: &str,
    mut typed: Typed,
    rename: &[(&str, &str)],
) -> Result<Response, WebError> {
    match result {
        Ok(p) => Ok(see_other(format!("/proposals/{}?done={done}", p.id))),
        Err(AppError::Stale { .. } | AppError::Transition { .. } | AppError::Conflict(_)) => {
            let now = visible(state, viewer, p.id).await?;
            detail(state, viewer, &now, &Typed::default(), Notice::Conflict).await
        }
        Err(e) => {
            let mut errors = FieldErrors::from_app(e, viewer.tr)?;
            for (field, _) in errors.0.iter_mut() {
                if let Some((_, to)) = rename.iter().find(|(from, _)| from == field) {
                    *field = (*to).to_string();
                }
            }
            typed.errors = errors;
            detail(state, viewer, p, &typed, Notice::None).await
        }
    }
}

pub(super) fn side_given(form: &FormData) -> Option<String> {
    let s = form.get("side").trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub(super) async fn accept(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    let (actor, p, version) = posted(&state, &viewer, &id, &form).await?;
    let answer = Answer {
        version,
        side: side_given(&form),
        reason: None,
    };
    let result = workflow::accept(&state, &actor, p.id, &answer).await;
    outcome(
        &state,
        &viewer,
        &p,
        result,
        "accepted",
        Typed::default(),
        &[],
    )
    .await
}

pub(super) async fn decline(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    let (actor, p, version) = posted(&state, &viewer, &id, &form).await?;
    let answer = Answer {
        version,
        side: side_given(&form).filter(|_| actor.role == Role::Secretariat),
        reason: Some(form.get("reason").to_string()),
    };
    let typed = Typed {
        reason: form.get("reason").to_string(),
        side: form.get("side").to_string(),
        confirmed: form.get("confirm") == "yes",
        ..Typed::default()
    };
    if !typed.confirmed {
        let mut errors = FieldErrors::default();
        errors.add(
            "confirm",
            viewer.tr.t("proposals.error_decline_unconfirmed"),
        );
        let typed = Typed { errors, ..typed };
        return detail(&state, &viewer, &p, &typed, Notice::None).await;
    }
    let result = workflow::decline(&state, &actor, p.id, &answer).await;
    outcome(&state, &viewer, &p, result, "declined", typed, &[]).await
}

pub(super) async fn complete(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    let (actor, p, version) = posted(&state, &viewer, &id, &form).await?;
    let typed = Typed {
        rating: form.get("rating").to_string(),
        report: form.get("report").to_string(),
        ..Typed::default()
    };
    let Ok(rating) = form.get("rating").trim().parse::<i64>() else {
        let mut errors = FieldErrors::default();
        errors.add("rating", viewer.tr.t("proposals.error_rating_missing"));
        let typed = Typed { errors, ..typed };
        return detail(&state, &viewer, &p, &typed, Notice::None).await;
    };
    let outcome_given = Complete {
        version,
        rating,
        report: form.get("report").to_string(),
    };
    let result = workflow::complete(&state, &actor, p.id, &outcome_given).await;
    outcome(&state, &viewer, &p, result, "completed", typed, &[]).await
}

pub(super) async fn cancel(
    State(state): State<App>,
    viewer: Viewer,
    Path(id): Path<String>,
    form: FormData,
) -> Result<Response, WebError> {
    let (actor, p, version) = posted(&state, &viewer, &id, &form).await?;
    let cancellation = Cancel {
        version,
        reason: form.get("cancel_reason").to_string(),
    };
    let typed = Typed {
        cancel_reason: form.get("cancel_reason").to_string(),
        ..Typed::default()
    };
    let result = workflow::cancel(&state, &actor, p.id, &cancellation).await;
    outcome(
        &state,
        &viewer,
        &p,
        result,
        "cancelled",
        typed,
        &[("reason", "cancel_reason")],
    )
    .await
}
