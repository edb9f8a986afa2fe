//! Tokens and web sessions: `sql_tokens!(Type, Database)` implements
//! [`TokenStore`](crate::store::TokenStore).

macro_rules! sql_tokens {
    ($store:ident, $db:ty) => {
        mod tokens_impl {
            use super::$store;

            use $crate::domain::Role;
            use $crate::store::rows::{TOKEN_COLUMNS, TokenRow};
            use $crate::store::sql::now;
            use $crate::store::{Actor, Change, StoreError, StoreResult, TokenInfo, TokenStore};

            impl $store {
                async fn token_in(tx: &mut sqlx::Transaction<'_, $db>, id: i64) -> StoreResult<TokenInfo> {
                    sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} FROM tokens WHERE id = $1")))
                        .bind(id)
                        .fetch_optional(&mut **tx)
                        .await?
                        .ok_or(StoreError::NotFound { what: "token", id: id.to_string() })?
                        .into_info()
                }
            }

            #[async_trait::async_trait]
            impl TokenStore for $store {
                async fn create_token(&self, actor: &Actor, role: Role, label: &str, token_hash: &str) -> StoreResult<TokenInfo> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    if let Some(c) = role.city() {
                        Self::city_exists(&mut tx, c).await?;
                    }
                    let info = sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!(
                        "INSERT INTO tokens (role, city_id, label, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
                         RETURNING {TOKEN_COLUMNS}"
                    )))
                    .bind(role.name())
                    .bind(role.city().map(|c| c.0))
                    .bind(label)
                    .bind(token_hash)
                    .bind(now())
                    .fetch_one(&mut *tx)
                    .await?
                    .into_info()?;
                    Self::audit(&mut tx, actor, Change::new("token", info.id, "create", role.city()).after(&info)).await?;
                    tx.commit().await?;
                    Ok(info)
                }

                async fn token_by_hash(&self, token_hash: &str) -> StoreResult<Option<TokenInfo>> {
                    sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {TOKEN_COLUMNS} FROM tokens WHERE token_hash = $1 AND revoked_at IS NULL"
                    )))
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(TokenRow::into_info)
                    .transpose()
                }

                async fn list_tokens(&self) -> StoreResult<Vec<TokenInfo>> {
                    sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!("SELECT {TOKEN_COLUMNS} FROM tokens ORDER BY id")))
                        .fetch_all(&self.pool)
                        .await?
                        .into_iter()
                        .map(TokenRow::into_info)
                        .collect()
                }

                async fn revoke_token(&self, actor: &Actor, id: i64) -> StoreResult<TokenInfo> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    let before = Self::token_in(&mut tx, id).await?;
                    if before.revoked_at.is_some() {
                        return Err(StoreError::Conflict(format!("token {id} is already revoked")));
                    }
                    if before.role == Role::Secretariat {
                        let others: i64 = sqlx::query_scalar(
                            "SELECT COUNT(*) FROM tokens WHERE role = 'secretariat' AND revoked_at IS NULL AND id <> $1",
                        )
                        .bind(id)
                        .fetch_one(&mut *tx)
                        .await?;
                        if others == 0 {
                            return Err(StoreError::Conflict(format!(
                                "token {id} is the last active secretariat token: create another first with \
                                 `twinmatch token create --role secretariat`"
                            )));
                        }
                    }
                    sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE id = $2").bind(now()).bind(id).execute(&mut *tx).await?;
                    let after = Self::token_in(&mut tx, id).await?;
                    Self::audit(&mut tx, actor, Change::new("token", id, "revoke", after.role.city()).before(&before).after(&after))
                        .await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn create_session(&self, session_hash: &str, token_id: i64, expires_at: &str) -> StoreResult<()> {
                    let mut tx = self.pool.begin_with(Self::BEGIN_WRITE).await?;
                    sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now()).execute(&mut *tx).await?;
                    sqlx::query("INSERT INTO sessions (session_hash, token_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                        .bind(session_hash)
                        .bind(token_id)
                        .bind(now())
                        .bind(expires_at)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn session_token(&self, session_hash: &str) -> StoreResult<Option<TokenInfo>> {
                    sqlx::query_as::<_, TokenRow>(sqlx::AssertSqlSafe(format!(
                        "SELECT {TOKEN_COLUMNS} FROM tokens WHERE revoked_at IS NULL AND id = \
                         (SELECT token_id FROM sessions WHERE session_hash = $1 AND expires_at > $2)"
                    )))
                    .bind(session_hash)
                    .bind(now())
                    .fetch_optional(&self.pool)
                    .await?
                    .map(TokenRow::into_info)
                    .transpose()
                }

                async fn end_session(&self, session_hash: &str) -> StoreResult<()> {
                    sqlx::query("DELETE FROM sessions WHERE session_hash = $1 OR expires_at <= $2")
                        .bind(session_hash)
                        .bind(now())
                        .execute(&self.pool)
                        .await?;
                    Ok(())
                }
            }
        }
    };
}
