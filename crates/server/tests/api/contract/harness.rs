//! The contract test's harness: calls an operation, checks the answer against the API
//! document, and remembers which operations were called.

use std::collections::BTreeSet;

use reqwest::Method;
use serde_json::{Value, json};

pub struct Contract {
    pub http: reqwest::Client,
    pub url: String,
    doc: Value,
    called: BTreeSet<(String, String)>,
}

pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Contract {
    pub async fn new(url: String) -> Self {
        let http = reqwest::Client::new();
        let doc = http
            .get(format!("{url}/api/v1/openapi.json"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        Self {
            http,
            url,
            doc,
            called: BTreeSet::new(),
        }
    }

    /// Calls `method template` with `args` filled in and checks the answer against the
    /// document.
    pub async fn call(
        &mut self,
        method: Method,
        template: &str,
        args: &[(&str, String)],
        token: Option<&str>,
        body: Option<Value>,
    ) -> Answer {
        let mut path = template.to_owned();
        for (name, value) in args {
            path = path.replace(&format!("{{{name}}}"), value);
        }
        let mut request = self
            .http
            .request(method.clone(), format!("{}{path}", self.url));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let documented_path = template.split('?').next().unwrap_or(template);
        self.check(method, documented_path, request).await
    }

    pub async fn check(
        &mut self,
        method: Method,
        template: &str,
        request: reqwest::RequestBuilder,
    ) -> Answer {
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let text = response.text().await.unwrap();
        let operation = &self.doc["paths"][template][method.as_str().to_lowercase()];
        assert!(
            operation.is_object(),
            "{method} {template} is called but not documented"
        );
        let documented = &operation["responses"][status.to_string()];
        assert!(
            documented.is_object(),
            "{method} {template} answered {status}, which it does not document: {text}"
        );
        let body = if content_type.starts_with("application/json") {
            serde_json::from_str(&text).unwrap()
        } else {
            Value::Null
        };
        if let Some(schema) = documented["content"]["application/json"].get("schema") {
            assert!(
                content_type.starts_with("application/json"),
                "{method} {template} {status}: documented JSON, got {content_type:?}"
            );
            self.validate(schema, &body, &format!("{method} {template} {status}"));
        }
        if status >= 400 {
            let error: ocomms_proto::ErrorBody = serde_json::from_value(body.clone())
                .unwrap_or_else(|e| panic!("{method} {template} {status}: not an ErrorBody: {e}"));
            assert!(!error.message.is_empty());
        }
        self.called
            .insert((method.as_str().to_lowercase(), template.to_owned()));
        Answer { status, body }
    }

    pub fn mismatches(&self, schema: &Value, instance: &Value) -> Vec<String> {
        // The document's components sit beside the schema so its `$ref`s resolve.
        let root = json!({ "components": self.doc["components"], "allOf": [schema] });
        let validator = jsonschema::validator_for(&root).unwrap();
        validator
            .iter_errors(instance)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .collect()
    }

    pub fn validate(&self, schema: &Value, instance: &Value, what: &str) {
        let errors = self.mismatches(schema, instance);
        assert!(
            errors.is_empty(),
            "{what}: the body does not match the document: {errors:#?}\n{instance:#}"
        );
    }

    /// The documented operations not called so far, as `(method, path)`.
    pub fn uncalled(&self) -> Vec<(String, String)> {
        let mut operations = BTreeSet::new();
        for (path, item) in self.doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                operations.insert((method.clone(), path.clone()));
            }
        }
        operations.difference(&self.called).cloned().collect()
    }
}

pub fn png() -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image::RgbImage::from_pixel(4, 4, image::Rgb([200, 30, 60]))
        .write_to(&mut bytes, image::ImageFormat::Png)
        .unwrap();
    bytes.into_inner()
}
