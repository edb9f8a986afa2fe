//! The audit trail: `sql_audit!(Type, Database)` implements
//! [`AuditStore`](crate::store::AuditStore). Every write adds its row
//! through the shared `audit` helper in the same transaction (see `mod.rs`).

macro_rules! sql_audit {
    ($store:ident, $db:ty) => {
        mod audit_impl {
            use super::$store;

            use sqlx::QueryBuilder;

            use $crate::domain::CityId;
            use $crate::store::{AuditEntry, AuditQuery, AuditStore, Page, StoreResult};

            #[derive(sqlx::FromRow)]
            struct AuditRow {
                id: i64,
                at: String,
                token_id: Option<i64>,
                role: String,
                actor_city: Option<i64>,
                kind: String,
                entity_id: String,
                action: String,
                city_id: Option<i64>,
                before: Option<String>,
                after: Option<String>,
                reason: Option<String>,
            }

            fn json(raw: Option<String>) -> Option<serde_json::Value> {
                raw.and_then(|r| serde_json::from_str(&r).ok())
            }

            #[async_trait::async_trait]
            impl AuditStore for $store {
                async fn list_audit(&self, q: &AuditQuery) -> StoreResult<Page<AuditEntry>> {
                    let filters = |qb: &mut QueryBuilder<$db>| {
                        qb.push(" FROM audit_log WHERE 1 = 1");
                        if let Some(c) = q.city {
                            qb.push(" AND (city_id = ").push_bind(c.0);
                            qb.push(" OR actor_city = ").push_bind(c.0).push(")");
                        }
                        if let Some(k) = &q.kind {
                            qb.push(" AND kind = ").push_bind(k.clone());
                        }
                    };
                    let select = "SELECT id, at, token_id, role, actor_city, kind, entity_id, action, city_id, before, after, reason";
                    Ok(self.paged::<AuditRow>(select, &filters, "ORDER BY id DESC", q.paging).await?.map(|r| AuditEntry {
                        id: r.id,
                        at: r.at,
                        token_id: r.token_id,
                        role: r.role,
                        actor_city: r.actor_city.map(CityId),
                        kind: r.kind,
                        entity_id: r.entity_id,
                        action: r.action,
                        city: r.city_id.map(CityId),
                        before: json(r.before),
                        after: json(r.after),
                        reason: r.reason,
                    }))
                }
            }
        }
    };
}
