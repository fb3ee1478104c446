//! The few HTML pages CAMS serves (approval links): plain, accessible, no JavaScript, no
//! external assets, every value escaped.

use std::fmt::Write as _;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
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

/// A whole document around `body` (already-escaped HTML). The style only helps legibility; the
/// page reads the same without it.
fn document(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex, nofollow\">\n\
         <title>{} · CAMS</title>\n\
         <style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.5}}\
         pre{{white-space:pre-wrap;border-left:3px solid #888;padding-left:1rem}}\
         button{{font-size:1.1rem;padding:.5rem 1.25rem}}</style>\n\
         </head>\n<body>\n<main>\n{body}</main>\n</body>\n</html>\n",
        escape(title)
    )
}

/// What the confirmation page shows before anything happens.
pub struct Confirm<'a> {
    pub action: &'a str,
    pub summary: &'a str,
    pub subject: Option<&'a str>,
    pub draft_text: Option<&'a str>,
    /// Where the button posts to.
    pub post_to: &'a str,
}

/// The page a GET of an approval link shows: what the button would do, and the button.
pub fn confirm(c: &Confirm) -> String {
    let mut body = String::new();
    let _ = writeln!(body, "<h1>{}</h1>", escape(c.action));
    let _ = writeln!(body, "<p>{}</p>", escape(c.summary));
    if let Some(subject) = c.subject {
        let _ = writeln!(
            body,
            "<p>Subject of the request: <q>{}</q></p>",
            escape(subject)
        );
    }
    if let Some(draft) = c.draft_text {
        body.push_str("<h2 id=\"draft\">The reply CAMS would send</h2>\n");
        let _ = writeln!(
            body,
            "<pre aria-labelledby=\"draft\">{}</pre>",
            escape(draft)
        );
    }
    let _ = writeln!(
        body,
        "<form method=\"post\" action=\"{}\">\n<p><button type=\"submit\">{}</button></p>\n</form>",
        escape(c.post_to),
        escape(c.action)
    );
    body.push_str("<p>Nothing happens until you press the button.</p>\n");
    document(c.action, &body)
}

/// A page with a heading and one message: results and errors.
pub fn message(title: &str, message: &str) -> String {
    let body = format!("<h1>{}</h1>\n<p>{}</p>\n", escape(title), escape(message));
    document(title, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn everything_is_escaped() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let page = confirm(&Confirm {
            action: "Send <b>now</b>",
            summary: "Dana <script>alert(1)</script> asks",
            subject: Some("\"Lunch\" & more"),
            draft_text: Some("Hi <img src=x onerror=alert(1)>"),
            post_to: "/approve/a\"b",
        });
        assert!(!page.contains("<script>"));
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>"));
        assert!(page.contains("Dana &lt;script&gt;alert(1)&lt;/script&gt; asks"));
        assert!(page.contains("action=\"/approve/a&quot;b\""));
        assert!(page.contains("&quot;Lunch&quot; &amp; more"));
    }

    #[test]
    fn pages_are_accessible_documents_without_scripts() {
        let page = confirm(&Confirm {
            action: "Decline the request",
            summary: "s",
            subject: None,
            draft_text: None,
            post_to: "/approve/t",
        });
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.contains("<html lang=\"en\">"));
        assert!(page.contains("<title>Decline the request · CAMS</title>"));
        assert!(page.contains("<main>"));
        assert!(page.contains("<form method=\"post\" action=\"/approve/t\">"));
        assert!(page.contains("<button type=\"submit\">Decline the request</button>"));
        assert!(!page.to_ascii_lowercase().contains("<script"));
        assert!(!page.contains("http://") && !page.contains("https://"));
        let m = message("Done", "It <is> done");
        assert!(m.contains("<h1>Done</h1>") && m.contains("It &lt;is&gt; done"));
        assert!(!m.contains("<form"));
    }
}
