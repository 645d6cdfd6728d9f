//! HTML forms can only GET and POST. A form that changes a resource posts to the resource
//! with `?_method=PUT|PATCH|DELETE` in its action, and the request is routed as that
//! method, so the pages' routes name resources like the API's do
//! (`DELETE /w/{slug}/members/{user_id}`, not `POST …/remove`).

use axum::extract::Request;
use axum::http::Method;

/// Rewrites a form's POST to the method its `_method` query field names. Runs before
/// routing. Only POST is rewritten, only to PUT, PATCH or DELETE, and never under
/// `/api/`, whose clients send real methods. The CSRF and same-origin checks apply to every
/// method that changes state, so a rewritten request is checked like any other.
pub async fn from_query(mut request: Request) -> Request {
    if request.method() == Method::POST
        && !request.uri().path().starts_with("/api/")
        && let Some(method) = request.uri().query().and_then(named_in)
    {
        *request.method_mut() = method;
    }
    request
}

fn named_in(query: &str) -> Option<Method> {
    let named = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("_method="))?;
    match named {
        "PUT" => Some(Method::PUT),
        "PATCH" => Some(Method::PATCH),
        "DELETE" => Some(Method::DELETE),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_three_resource_methods_are_named() {
        assert_eq!(named_in("_method=DELETE"), Some(Method::DELETE));
        assert_eq!(named_in("a=1&_method=PATCH"), Some(Method::PATCH));
        assert_eq!(named_in("_method=GET"), None);
        assert_eq!(named_in("_method=delete"), None);
        assert_eq!(named_in("method=PUT"), None);
    }
}
