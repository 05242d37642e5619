//! The xtask's pass over the end of each operation progenitor writes. Every
//! method of `Client` ends in the same steps: run the hooks around sending
//! the request, then `match` the status to decode the documented success, a
//! documented error, or keep an unexpected answer. Written out 224 times,
//! those steps were most of the clients' type and borrow checking (about a
//! quarter of `ods-automation`'s build). The pass replaces them with one call
//! of `saas_admin_runtime::answer` that does the same, given the operation's
//! id, its success status and its error statuses:
//!
//! `saas_admin_runtime::answer::json(self, request, "list_user_groups", 200u16, &[401u16]).await`

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::{parse_quote, Expr, ImplItem, Item, Lit, Pat, Stmt};

/// Applies the pass to the client. Fails, naming the spec and the method,
/// when an operation's end is not the shape rewritten here (a newer
/// progenitor, say), rather than leaving some operations as they were.
pub fn apply(spec_name: &str, client: TokenStream) -> Result<TokenStream, Vec<String>> {
    rewrite(client)
        .map(|(tokens, _)| tokens)
        .map_err(|problem| {
            vec![format!(
                "{spec_name}: {problem}; update xtask/src/answer_pass.rs"
            )]
        })
}

/// The client with every operation rewritten, and how many there were.
fn rewrite(client: TokenStream) -> Result<(TokenStream, usize), String> {
    let mut file: syn::File =
        syn::parse2(client).map_err(|e| format!("progenitor's client does not parse: {e}"))?;
    let mut rewritten = 0;
    for item in &mut file.items {
        let Item::Impl(block) = item else { continue };
        let is_client =
            block.trait_.is_none() && block.self_ty.to_token_stream().to_string() == "Client";
        if !is_client {
            continue;
        }
        for member in &mut block.items {
            let ImplItem::Fn(method) = member else {
                continue;
            };
            if method.sig.asyncness.is_none() {
                continue;
            }
            let name = method.sig.ident.to_string();
            let stmts = &mut method.block.stmts;
            let keep = stmts
                .len()
                .checked_sub(STEPS.len() + 2)
                .ok_or_else(|| format!("operation `{name}` is shorter than its steps"))?;
            let end = answer(&stmts[keep..]).map_err(|e| format!("operation `{name}`: {e}"))?;
            stmts.truncate(keep);
            stmts.push(Stmt::Expr(end, None));
            rewritten += 1;
        }
    }
    if rewritten == 0 {
        return Err("progenitor's client has no operation in `impl Client`".into());
    }
    Ok((file.into_token_stream(), rewritten))
}

/// The statements between the operation id and the `match`, as progenitor
/// writes them (token text).
const STEPS: [&str; 4] = [
    "self . pre (& mut request , & info) . await ? ;",
    "let result = self . exec (request , & info) . await ;",
    "self . post (& result , & info) . await ? ;",
    "let response = result ? ;",
];

/// The call that replaces an operation's last statements: `let info = ..`,
/// the [`STEPS`] and the `match` on the status.
fn answer(end: &[Stmt]) -> Result<Expr, String> {
    let (info, rest) = end
        .split_first()
        .expect("`rewrite` passes STEPS + 2 statements");
    let (last, steps) = rest
        .split_last()
        .expect("`rewrite` passes STEPS + 2 statements");
    let operation_id = operation_id(info).ok_or("no `let info = OperationInfo { .. }`")?;
    for (stmt, expected) in steps.iter().zip(STEPS) {
        let found = stmt.to_token_stream().to_string();
        if found != expected {
            return Err(format!("`{found}` where `{expected}` was expected"));
        }
    }
    let Stmt::Expr(Expr::Match(status_match), None) = last else {
        return Err("it does not end in a `match` on the status".into());
    };
    if status_match.expr.to_token_stream().to_string() != "response . status () . as_u16 ()" {
        return Err("its `match` is not on `response.status().as_u16()`".into());
    }
    let mut success = None;
    let mut errors = Vec::new();
    let mut unexpected = false;
    for arm in &status_match.arms {
        let body = unblocked(&arm.body).to_token_stream().to_string();
        let status = match &arm.pat {
            Pat::Lit(lit) => match &lit.lit {
                Lit::Int(code) => code.clone(),
                _ => return Err("a status arm is not an integer".into()),
            },
            Pat::Wild(_) if body == "Err (Error :: UnexpectedResponse (response))" => {
                unexpected = true;
                continue;
            }
            _ => {
                return Err(format!(
                    "an arm `{}` it does not know",
                    arm.pat.to_token_stream()
                ))
            }
        };
        let kind = match body.as_str() {
            "ResponseValue :: from_response (response) . await" => "json",
            "Ok (ResponseValue :: empty (response))" => "empty",
            "Ok (ResponseValue :: stream (response))" => "stream",
            "Err (Error :: ErrorResponse (ResponseValue :: from_response (response) . await ?))" => {
                errors.push(status);
                continue;
            }
            _ => return Err(format!("an arm `{body}` it does not know")),
        };
        if success.replace((kind, status)).is_some() {
            return Err("more than one success status".into());
        }
    }
    let (Some((kind, success)), true) = (success, unexpected) else {
        return Err("no success arm, or no `_` arm for an unexpected answer".into());
    };
    let kind = syn::Ident::new(kind, proc_macro2::Span::call_site());
    Ok(parse_quote! {
        saas_admin_runtime::answer::#kind(self, request, #operation_id, #success, &[#(#errors),*]).await
    })
}

/// `e` from `{ e }`, as progenitor writes some arms.
fn unblocked(expr: &Expr) -> &Expr {
    match expr {
        Expr::Block(block) if block.block.stmts.len() == 1 => match &block.block.stmts[0] {
            Stmt::Expr(inner, None) => inner,
            _ => expr,
        },
        _ => expr,
    }
}

/// `"x"` from `let info = OperationInfo { operation_id: "x", };`.
fn operation_id(stmt: &Stmt) -> Option<syn::LitStr> {
    let Stmt::Local(local) = stmt else {
        return None;
    };
    if local.pat.to_token_stream().to_string() != "info" {
        return None;
    }
    let Expr::Struct(value) = &*local.init.as_ref()?.expr else {
        return None;
    };
    if value.path.to_token_stream().to_string() != "OperationInfo" || value.fields.len() != 1 {
        return None;
    }
    let field = value.fields.first()?;
    match (&field.member, &field.expr) {
        (syn::Member::Named(name), Expr::Lit(lit)) if name == "operation_id" => match &lit.lit {
            Lit::Str(id) => Some(id.clone()),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    /// One operation's end as progenitor writes it, with `arms` for its
    /// documented statuses.
    fn operation(arms: TokenStream) -> TokenStream {
        quote! {
            impl Client {
                pub async fn get_thing<'a>(&'a self) -> Result<ResponseValue<types::Thing>, Error<types::Error>> {
                    let url = format!("{}/things/", self.baseurl,);
                    let mut request = self.client.get(url).build()?;
                    let info = OperationInfo { operation_id: "get_thing", };
                    self.pre(&mut request, &info).await?;
                    let result = self.exec(request, &info).await;
                    self.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        #arms
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
            }
        }
    }

    fn rewritten(arms: TokenStream) -> Result<String, String> {
        rewrite(operation(arms)).map(|(tokens, count)| {
            assert_eq!(count, 1);
            tokens.to_string()
        })
    }

    #[test]
    fn each_success_kind_becomes_one_call_with_the_statuses() {
        let json = rewritten(quote! {
            200u16 => { ResponseValue::from_response(response).await }
            401u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
            429u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
        })
        .unwrap();
        let expected = quote! {
            impl Client {
                pub async fn get_thing<'a>(&'a self) -> Result<ResponseValue<types::Thing>, Error<types::Error>> {
                    let url = format!("{}/things/", self.baseurl,);
                    let mut request = self.client.get(url).build()?;
                    saas_admin_runtime::answer::json(self, request, "get_thing", 200u16, &[401u16, 429u16]).await
                }
            }
        };
        // Through syn, as the pass's output is, so `>>` is spaced the same.
        let expected: syn::File = syn::parse2(expected).unwrap();
        assert_eq!(json, expected.into_token_stream().to_string());

        let empty = rewritten(quote! { 204u16 => Ok(ResponseValue::empty(response)), }).unwrap();
        assert!(
            empty.contains(r#"saas_admin_runtime :: answer :: empty (self , request , "get_thing" , 204u16 , & []) . await"#),
            "{empty}"
        );
        let stream = rewritten(quote! { 200u16 => Ok(ResponseValue::stream(response)), }).unwrap();
        assert!(
            stream.contains("answer :: stream (self , request , \"get_thing\" , 200u16"),
            "{stream}"
        );
    }

    #[test]
    fn an_end_of_another_shape_is_refused_with_the_operation_named() {
        let two_successes = rewritten(quote! {
            200u16 => ResponseValue::from_response(response).await,
            201u16 => ResponseValue::from_response(response).await,
        });
        assert_eq!(
            two_successes.unwrap_err(),
            "operation `get_thing`: more than one success status"
        );
        let unknown_arm = rewritten(quote! {
            200u16 => ResponseValue::from_response(response).await,
            404u16 => Ok(ResponseValue::empty(response).into_inner()),
        });
        assert!(unknown_arm
            .unwrap_err()
            .starts_with("operation `get_thing`: an arm `Ok (ResponseValue :: empty"),);
        let problems = apply(
            "specs/x.yaml",
            quote! { impl Client { pub async fn f(&self) {} } },
        );
        assert_eq!(
            problems.unwrap_err(),
            ["specs/x.yaml: operation `f` is shorter than its steps; update xtask/src/answer_pass.rs"]
        );
    }
}
