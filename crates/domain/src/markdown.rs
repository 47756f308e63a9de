use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders Markdown to HTML that is safe to embed in a page.
///
/// Raw HTML in the source is escaped rather than filtered: an allow-list sanitiser can be
/// outwitted by a parser mismatch, while escaped text cannot execute. Link and image targets
/// keep only http, https, mailto, relative and fragment URLs; anything else (`javascript:`,
/// `data:`, `vbscript:` ...) becomes `#`.
pub fn render_markdown(source: &str) -> String {
    render_markdown_with(source, |_| None)
}

/// An image that Markdown names and that the caller knows more of (an asset): it is written
/// with its real URL, its size and its `srcset`.
#[derive(Debug, Clone, PartialEq)]
pub struct KnownImage {
    pub url: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub srcset: String,
}

/// The ids of the assets that Markdown images name: `asset:<id>` or `/assets/<id>/...`.
pub fn asset_references(source: &str) -> Vec<uuid::Uuid> {
    let mut ids = vec![];
    let options = Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES;
    for event in Parser::new_ext(source, options) {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            if let Some(id) = asset_id(&dest_url) {
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
    }
    ids
}

/// The asset an image URL names, if it names one.
pub fn asset_id(url: &str) -> Option<uuid::Uuid> {
    let rest = url
        .strip_prefix("asset:")
        .or_else(|| url.strip_prefix("/assets/"))?;
    uuid::Uuid::parse_str(rest.get(..36)?).ok()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders Markdown as `render_markdown` does; images that `known` recognises are written
/// with what it knows of them.
pub fn render_markdown_with(source: &str, known: impl Fn(&str) -> Option<KnownImage>) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let mut events = vec![];
    // An image being replaced: what it is, and its alt text so far.
    let mut open: Option<(KnownImage, String)> = None;
    for mut event in Parser::new_ext(source, options) {
        if let Some((image, alt)) = &mut open {
            match event {
                Event::End(TagEnd::Image) => {
                    let mut tag = format!(
                        "<img src=\"{}\" alt=\"{}\"",
                        escape(&image.url),
                        escape(alt)
                    );
                    if let (Some(w), Some(h)) = (image.width, image.height) {
                        tag.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
                    }
                    if !image.srcset.is_empty() {
                        tag.push_str(&format!(" srcset=\"{}\"", escape(&image.srcset)));
                    }
                    tag.push_str(" loading=\"lazy\">");
                    events.push(Event::InlineHtml(tag.into()));
                    open = None;
                }
                Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => alt.push_str(&t),
                _ => {}
            }
            continue;
        }
        match &mut event {
            Event::Html(raw) | Event::InlineHtml(raw) => event = Event::Text(raw.clone()),
            Event::Start(Tag::Image { dest_url, .. }) if known(dest_url).is_some() => {
                open = known(dest_url).map(|k| (k, String::new()));
                continue;
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                *dest_url = safe_url(std::mem::replace(dest_url, CowStr::Borrowed("")));
            }
            _ => {}
        }
        events.push(event);
    }
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    html::push_html(&mut out, events.into_iter());
    out
}

fn safe_url(url: CowStr<'_>) -> CowStr<'_> {
    if is_safe_url(&url) {
        url
    } else {
        CowStr::Borrowed("#")
    }
}

fn is_safe_url(url: &str) -> bool {
    // Browsers ignore ASCII whitespace and control characters inside a scheme, so strip them
    // before looking for one ("java\tscript:" is still javascript:).
    let compact: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect::<String>()
        .to_ascii_lowercase();
    match compact.find(':') {
        None => true,
        Some(colon) => {
            let before = &compact[..colon];
            // A colon after a path, query or fragment separator is not a scheme.
            if before.contains(['/', '?', '#']) {
                return true;
            }
            matches!(before, "http" | "https" | "mailto")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown() {
        let html = render_markdown("# Hi\n\nSome *text* and [a link](https://example.com).");
        assert!(html.contains("<h1>Hi</h1>"));
        assert!(html.contains("<em>text</em>"));
        assert!(html.contains(r#"<a href="https://example.com">a link</a>"#));
    }

    #[test]
    fn known_images_get_their_url_size_and_srcset() {
        let id = "01a1fb47-4b20-7c3d-8e4f-5a6b7c8d9e0f";
        let md = format!("![A \"rack\" <of> servers](asset:{id}) and ![x](/assets/{id}/a.jpg) and ![y](asset:nope)");
        assert_eq!(
            asset_references(&md),
            vec![uuid::Uuid::parse_str(id).unwrap()]
        );
        let html = render_markdown_with(&md, |url| {
            asset_id(url).map(|_| KnownImage {
                url: format!("/assets/{id}/a.jpg"),
                width: Some(800),
                height: Some(600),
                srcset: "/assets/x?width=400 400w".into(),
            })
        });
        assert!(html.contains(&format!(r#"<img src="/assets/{id}/a.jpg" alt="A &quot;rack&quot; &lt;of&gt; servers" width="800" height="600" srcset="/assets/x?width=400 400w" loading="lazy">"#)), "{html}");
        assert!(!html.contains("asset:"), "{html}");
        assert!(html.contains(r##"<img src="#" alt="y""##), "{html}");
    }

    #[test]
    fn escapes_raw_html() {
        let html = render_markdown("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn neutralises_dangerous_links() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,x",
            "vbscript:x",
        ] {
            let html = render_markdown(&format!("[x](<{url}>) ![y](<{url}>)"));
            assert!(!html.to_lowercase().contains("script:"), "{url}: {html}");
            assert!(!html.contains("data:"), "{url}: {html}");
        }
    }

    #[test]
    fn keeps_safe_links() {
        for url in [
            "/articles/x",
            "#top",
            "mailto:a@b.c",
            "http://x.y/a:b",
            "x?y=a:b",
        ] {
            let html = render_markdown(&format!("[x]({url})"));
            assert!(
                !html.contains("href=\"#\"") || url == "#top",
                "{url}: {html}"
            );
        }
    }
}

/// The words of a Markdown document without its markup, for search: text, code and link
/// texts, with block boundaries kept as spaces so words never run together.
pub fn plain_text(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    for event in Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t)
            }
            // Inline markup ends mid-sentence; only block ends and breaks separate words.
            Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            Event::SoftBreak | Event::HardBreak | Event::End(_) if !out.ends_with(' ') => {
                out.push(' ')
            }
            _ => {}
        }
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod plain_text_tests {
    use super::plain_text;

    #[test]
    fn markup_goes_and_words_stay_apart() {
        assert_eq!(
            plain_text("# Go\n\nA *fast* [language](https://go.dev).\n\n- one\n- two"),
            "Go A fast language. one two"
        );
    }
}
