//! `/api/docs`: the API's reference, read off the OpenAPI document
//! (`web::api::openapi`) and rendered on the server, so it needs no script
//! and no CDN and works on an intranet cut off from the internet. The page's
//! words are translated; the descriptions are the document's (English).

use std::sync::OnceLock;

use actix_web::{web, HttpResponse};
use serde::Serialize;
use serde_json::Value;

use crate::web::errors::WebResult;
use crate::web::session::Session;
use crate::web::AppState;

pub fn routes(cfg: &mut crate::web::routes::Routes) {
    cfg.get("/api/docs", api_docs);
}

async fn api_docs(state: web::Data<AppState>, session: Session) -> WebResult<HttpResponse> {
    let mut ctx = tera::Context::new();
    ctx.insert("reference", reference());
    state.render(&session, "api_docs.html", &mut ctx)
}

/// What the page shows, from the document; built once.
#[derive(Serialize)]
struct Reference {
    title: String,
    version: String,
    description: String,
    tags: Vec<TagView>,
    schemas: Vec<SchemaView>,
}

#[derive(Serialize)]
struct TagView {
    name: String,
    description: String,
    operations: Vec<OperationView>,
}

#[derive(Serialize)]
struct OperationView {
    /// An anchor for links (`#op-login`).
    id: String,
    method: String,
    path: String,
    summary: String,
    description: String,
    /// A bearer token is required (not merely accepted).
    signed_in: bool,
    parameters: Vec<FieldView>,
    request_body: Option<TypeView>,
    /// What success looks like (2xx).
    responses: Vec<ResponseView>,
    /// The problem+json answers, folded away on the page.
    errors: Vec<ResponseView>,
}

#[derive(Serialize)]
struct FieldView {
    name: String,
    /// `path`, `query`, or empty for a property.
    location: String,
    kind: TypeView,
    required: bool,
    description: String,
}

/// A type as the page writes it: a link to a schema, or a word, with
/// "list of" and "or null" around it, and the words of an enum.
#[derive(Serialize, Default)]
struct TypeView {
    schema: Option<String>,
    name: String,
    list: bool,
    nullable: bool,
    choices: Vec<String>,
}

#[derive(Serialize)]
struct ResponseView {
    status: String,
    description: String,
    content_type: String,
    kind: Option<TypeView>,
}

#[derive(Serialize)]
struct SchemaView {
    name: String,
    description: String,
    /// For an enum: its words.
    choices: Vec<String>,
    properties: Vec<FieldView>,
    /// `allOf` parts: the properties of these schemas come too.
    includes: Vec<String>,
}

fn reference() -> &'static Reference {
    static REFERENCE: OnceLock<Reference> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let document = serde_json::to_value(crate::web::api::openapi::document()).unwrap_or_default();
        build(&document)
    })
}

fn text(value: &Value, key: &str) -> String {
    value.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn build(document: &Value) -> Reference {
    let info = &document["info"];
    let mut tags: Vec<TagView> = document["tags"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|tag| TagView { name: text(tag, "name"), description: text(tag, "description"), operations: Vec::new() })
        .collect();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for method in ["get", "post", "put", "patch", "delete"] {
            let Some(operation) = item.get(method) else { continue };
            let tag = operation["tags"].get(0).and_then(Value::as_str).unwrap_or_default();
            let view = operation_view(path, method, operation);
            match tags.iter_mut().find(|t| t.name == tag) {
                Some(t) => t.operations.push(view),
                None => tags.push(TagView { name: tag.to_owned(), description: String::new(), operations: vec![view] }),
            }
        }
    }
    tags.retain(|t| !t.operations.is_empty());
    let schemas = document["components"]["schemas"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(name, schema)| schema_view(name, schema))
        .collect();
    Reference {
        title: text(info, "title"),
        version: text(info, "version"),
        description: text(info, "description"),
        tags,
        schemas,
    }
}

fn operation_view(path: &str, method: &str, operation: &Value) -> OperationView {
    let signed_in = operation["security"]
        .as_array()
        .is_some_and(|options| options.iter().all(|o| o.as_object().is_some_and(|o| !o.is_empty())));
    let parameters = operation["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| FieldView {
            name: text(p, "name"),
            location: text(p, "in"),
            kind: type_view(&p["schema"]),
            required: p["required"].as_bool().unwrap_or(false),
            description: text(p, "description"),
        })
        .collect();
    let request_body = operation["requestBody"]["content"]
        .as_object()
        .and_then(|c| c.values().next())
        .map(|c| type_view(&c["schema"]));
    let mut responses: Vec<ResponseView> = operation["responses"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(status, response)| {
            let content = response["content"].as_object().and_then(|c| c.iter().next());
            ResponseView {
                status: status.clone(),
                description: text(response, "description"),
                content_type: content.map(|(kind, _)| kind.clone()).unwrap_or_default(),
                kind: content.map(|(_, c)| type_view(&c["schema"])),
            }
        })
        .collect();
    responses.sort_by(|a, b| a.status.cmp(&b.status));
    let (responses, errors) = responses.into_iter().partition(|r| r.status.starts_with('2'));
    OperationView {
        id: text(operation, "operationId"),
        method: method.to_uppercase(),
        path: path.to_owned(),
        summary: text(operation, "summary"),
        description: text(operation, "description"),
        signed_in,
        parameters,
        request_body,
        responses,
        errors,
    }
}

fn schema_name(reference: &str) -> Option<String> {
    reference.strip_prefix("#/components/schemas/").map(str::to_owned)
}

fn choices(schema: &Value) -> Vec<String> {
    schema["enum"].as_array().into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

fn type_view(schema: &Value) -> TypeView {
    if let Some(reference) = schema["$ref"].as_str() {
        return TypeView { schema: schema_name(reference), ..Default::default() };
    }
    // `Option<T>` of a named type: `oneOf: [null, {$ref}]`.
    if let Some(options) = schema["oneOf"].as_array() {
        let mut view = options
            .iter()
            .find(|o| o["type"] != "null")
            .map(type_view)
            .unwrap_or_else(|| TypeView { name: "null".into(), ..Default::default() });
        view.nullable = options.iter().any(|o| o["type"] == "null");
        return view;
    }
    let (words, nullable) = match &schema["type"] {
        Value::String(word) => (vec![word.as_str()], false),
        Value::Array(words) => {
            let words: Vec<&str> = words.iter().filter_map(Value::as_str).collect();
            let nullable = words.contains(&"null");
            (words.into_iter().filter(|w| *w != "null").collect(), nullable)
        }
        _ => (Vec::new(), false),
    };
    if words.first() == Some(&"array") {
        let mut view = type_view(&schema["items"]);
        view.list = true;
        view.nullable = nullable;
        return view;
    }
    let name = match (words.first().copied(), schema["format"].as_str()) {
        (Some(word), Some(format)) => format!("{word} ({format})"),
        (Some(word), None) => word.to_owned(),
        (None, _) => "any".to_owned(),
    };
    TypeView { schema: None, name, list: false, nullable, choices: choices(schema) }
}

fn schema_view(name: &str, schema: &Value) -> SchemaView {
    let mut properties = Vec::new();
    let mut includes = Vec::new();
    let mut collect = |part: &Value| {
        let required: Vec<&str> = part["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        for (field, property) in part["properties"].as_object().into_iter().flatten() {
            properties.push(FieldView {
                name: field.clone(),
                location: String::new(),
                kind: type_view(property),
                required: required.contains(&field.as_str()),
                description: text(property, "description"),
            });
        }
    };
    collect(schema);
    for part in schema["allOf"].as_array().into_iter().flatten() {
        match part["$ref"].as_str().and_then(schema_name) {
            Some(included) => includes.push(included),
            None => collect(part),
        }
    }
    SchemaView {
        name: name.to_owned(),
        description: text(schema, "description"),
        choices: choices(schema),
        properties,
        includes,
    }
}
