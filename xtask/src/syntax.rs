//! Reading the Rust that progenitor emits: helpers several passes share.

/// The items of the module at `path` (nested `mod`s) of a file.
pub fn module_items(items: &[syn::Item], path: &[&str]) -> Vec<syn::Item> {
    let Some((first, rest)) = path.split_first() else {
        return items.to_vec();
    };
    items
        .iter()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == first => {
                Some(module_items(&m.content.as_ref()?.1, rest))
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// The items of progenitor's `mod types`, to rewrite them.
pub fn types_mut(file: &mut syn::File) -> Result<&mut Vec<syn::Item>, String> {
    file.items
        .iter_mut()
        .find_map(|item| match item {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
            _ => None,
        })
        .ok_or_else(|| "progenitor's client has no `mod types`".to_string())
}

/// The struct `name` among `items`.
pub fn find_struct<'a>(items: &'a [syn::Item], name: &str) -> Option<&'a syn::ItemStruct> {
    items.iter().find_map(|item| match item {
        syn::Item::Struct(s) if s.ident == name => Some(s),
        _ => None,
    })
}

/// The first generic argument of `ty` when its last segment is `wrapper`.
pub fn inner<'a>(ty: &'a syn::Type, wrapper: &str) -> Option<&'a syn::Type> {
    let syn::Type::Path(path) = ty else {
        return None;
    };
    let last = path.path.segments.last()?;
    if last.ident != wrapper {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    args.args.iter().find_map(|arg| match arg {
        syn::GenericArgument::Type(ty) => Some(ty),
        _ => None,
    })
}

/// The last segment of a type's path (`Vec` for `::std::vec::Vec<T>`).
pub fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(path) => Some(path.path.segments.last()?.ident.to_string()),
        _ => None,
    }
}

/// Whether a type is an `Option`.
pub fn is_option(ty: &syn::Type) -> bool {
    last_ident(ty).as_deref() == Some("Option")
}

/// Whether a field carries `#[serde(default)]`.
pub fn has_serde_default(attrs: &[syn::Attribute]) -> bool {
    let mut found = false;
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("default") {
                found = true;
            }
            if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    found
}

/// The JSON name of a field of a generated type: its serde rename, if any.
pub fn json_name(field: &syn::Field) -> String {
    let mut name = None;
    for attr in field.attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("rename") {
                let value: syn::LitStr = meta.value()?.parse()?;
                name = Some(value.value());
            } else if meta.input.peek(syn::Token![=]) {
                meta.value()?.parse::<syn::Expr>()?;
            }
            Ok(())
        });
    }
    name.unwrap_or_else(|| {
        let ident = field
            .ident
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        ident.strip_prefix("r#").unwrap_or(&ident).to_string()
    })
}

/// The traits of a `#[derive(...)]` attribute (none for another attribute).
pub fn derived(attr: &syn::Attribute) -> Vec<syn::Path> {
    if !attr.path().is_ident("derive") {
        return Vec::new();
    }
    attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        .map(|paths| paths.into_iter().collect())
        .unwrap_or_default()
}

/// Whether a path names the trait `name` (its last segment).
pub fn names_trait(path: &syn::Path, name: &str) -> bool {
    path.segments.last().is_some_and(|s| s.ident == name)
}

/// Removes the named traits from every `#[derive(...)]`.
pub fn without_derives(attrs: &mut [syn::Attribute], names: &[&str]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let kept: Vec<syn::Path> = derived(attr)
            .into_iter()
            .filter(|p| !names.iter().any(|n| names_trait(p, n)))
            .collect();
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
}
