use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag, TagEnd};

/// Renders Markdown to HTML that is safe to embed in a page.
///
/// Raw HTML in the source is escaped rather than filtered: an allow-list sanitiser can be
/// outwitted by a parser mismatch, while escaped text cannot execute. Link and image targets
/// keep only http, https, mailto, relative and fragment URLs; anything else (`javascript:`,
/// `data:`, `vbscript:` ...) becomes `#`.
pub fn render_markdown(source: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_TASKLISTS;
    let events = Parser::new_ext(source, options).map(|mut event| {
        match &mut event {
            Event::Html(raw) | Event::InlineHtml(raw) => return Event::Text(raw.clone()),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                *dest_url = safe_url(std::mem::replace(dest_url, CowStr::Borrowed("")));
            }
            _ => {}
        }
        event
    });
    let mut out = String::with_capacity(source.len() + source.len() / 4);
    html::push_html(&mut out, events);
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
