//! Message search (docs/adr/0020): `/workspaces/{slug}/search`.

use axum::Json;
use axum::extract::State;
use ocomms_proto::ErrorBody;
use ocomms_proto::search::{SearchQuery, SearchResults};

use crate::App;
use crate::http::auth::ApiActor;
use crate::http::error::ApiError;
use crate::http::extract::{ApiPath, ApiQuery};

/// Messages of the workspace matching `q` that the caller may read now (conversations they
/// are a member of, archived ones included, and with `all_public` the public channels),
/// newest first or most relevant first, 20 a page, with the conversations they are in. An
/// unknown operator or a bad date is a 422 that says what to write instead.
#[utoipa::path(get, path = "/api/v1/workspaces/{slug}/search", tag = "search",
    params(("slug" = String, Path), SearchQuery),
    responses((status = 200, body = SearchResults),
        (status = 404, body = ErrorBody),
        (status = 422, description = "the query cannot be read", body = ErrorBody)))]
pub async fn search(
    State(app): State<App>,
    ApiActor(actor): ApiActor,
    ApiPath(slug): ApiPath<String>,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Json<SearchResults>, ApiError> {
    Ok(Json(app.search(&actor, &slug, &query).await?))
}
