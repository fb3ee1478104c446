//! HTML mail bodies to readable plain text: block elements become line breaks, quotes become `>`.
//!
//! Mail HTML is not a document to render: we only need the words, in order, with the line and
//! quote structure that the quote and signature rules read. So this is a small tolerant scanner,
//! not a DOM parser; malformed markup degrades to text, never to an error.

/// Converts an HTML body to text.
///
/// `<blockquote>` content is prefixed with `> ` per level (Gmail, Apple Mail and Thunderbird put
/// quoted history there), a Gmail or Outlook signature container is preceded by a `-- ` line,
/// and `<hr>` becomes the underscore line Outlook writes in its own plain-text version.
pub fn html_to_text(html: &str) -> String {
    let mut w = Writer::default();
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut skip_until: Option<&'static str> = None;
    // Once a tag runs to the end unclosed, no later '<' can close either: remembering that keeps
    // "<a<a<a…" linear instead of quadratic.
    let mut unclosed_from = usize::MAX;
    while i < bytes.len() {
        if bytes[i] == b'<' {
            if html[i..].starts_with("<!--") {
                i = match html[i + 4..].find("-->") {
                    Some(end) => i + 4 + end + 3,
                    None => bytes.len(),
                };
                continue;
            }
            let end = if i + 1 >= unclosed_from {
                None
            } else {
                find_tag_end(bytes, i + 1)
            };
            let Some(end) = end else {
                if bytes
                    .get(i + 1)
                    .is_some_and(|b| b.is_ascii_alphabetic() || b"/!?".contains(b))
                {
                    unclosed_from = unclosed_from.min(i + 1);
                }
                // A lone '<' in text.
                if skip_until.is_none() {
                    w.text("<");
                }
                i += 1;
                continue;
            };
            let tag = Tag::parse(&html[i + 1..end]);
            i = end + 1;
            if let Some(closing) = skip_until {
                if tag.closing && tag.name.eq_ignore_ascii_case(closing) {
                    skip_until = None;
                }
                continue;
            }
            let Some(tag) = tag.known() else { continue };
            match tag {
                (Kind::Skip(name), false) => skip_until = Some(name),
                (Kind::Skip(_), true) => {}
                (Kind::LineBreak, _) => w.newline(),
                (Kind::Block, _) => w.block(),
                // Word's HTML (Outlook desktop) writes every line as a margin-less
                // <p class=MsoNormal> and a blank line as an empty one.
                (Kind::WordLine, _) => {
                    w.block();
                    w.in_word_line = true;
                }
                (Kind::Paragraph, true) if w.in_word_line => {
                    w.in_word_line = false;
                    if w.current.trim().is_empty() {
                        w.current.clear();
                        w.lines.push((w.depth, String::new()));
                    } else {
                        w.newline();
                    }
                }
                (Kind::Paragraph, _) => w.paragraph(),
                (Kind::ListItem, false) => {
                    w.block();
                    w.text("- ");
                }
                (Kind::ListItem, true) => w.block(),
                (Kind::Cell, false) => w.cell(),
                (Kind::Cell, true) => {}
                (Kind::Rule, _) => {
                    w.block();
                    w.text("________________________________");
                    w.block();
                }
                (Kind::Quote, false) => {
                    w.block();
                    w.depth += 1;
                }
                (Kind::Quote, true) => {
                    w.block();
                    w.depth = w.depth.saturating_sub(1);
                }
                (Kind::Pre, closing) => {
                    w.block();
                    w.pre = !closing;
                }
                (Kind::Signature, _) => {
                    w.block();
                    w.text("-- ");
                    w.block();
                }
            }
            continue;
        }
        let next = html[i..].find('<').map_or(bytes.len(), |n| i + n);
        if skip_until.is_none() {
            w.raw_text(&html[i..next]);
        }
        i = next;
    }
    w.finish()
}

fn find_tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    // A tag starts with a letter, '/', or '!' (doctype); anything else is a literal '<'.
    match bytes.get(from) {
        Some(b) if b.is_ascii_alphabetic() || *b == b'/' || *b == b'!' || *b == b'?' => {}
        _ => return None,
    }
    let mut quote: Option<u8> = None;
    for (offset, &b) in bytes[from..].iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(from + offset),
            _ => {}
        }
    }
    None
}

#[derive(Clone, Copy)]
enum Kind {
    Skip(&'static str),
    LineBreak,
    Block,
    Paragraph,
    WordLine,
    ListItem,
    Cell,
    Rule,
    Quote,
    Pre,
    Signature,
}

struct Tag<'a> {
    name: &'a str,
    closing: bool,
    attributes: &'a str,
}

impl<'a> Tag<'a> {
    fn parse(inner: &'a str) -> Self {
        let (closing, rest) = match inner.strip_prefix('/') {
            Some(rest) => (true, rest),
            None => (false, inner),
        };
        let name_end = rest
            .find(|c: char| c.is_ascii_whitespace() || c == '/')
            .unwrap_or(rest.len());
        Tag {
            name: &rest[..name_end],
            closing,
            attributes: &rest[name_end..],
        }
    }

    fn known(&self) -> Option<(Kind, bool)> {
        let mut lower = [0u8; 10];
        let name = self.name.as_bytes();
        if name.len() > lower.len() {
            return None;
        }
        for (d, s) in lower.iter_mut().zip(name) {
            *d = s.to_ascii_lowercase();
        }
        let kind = match &lower[..name.len()] {
            b"head" => Kind::Skip("head"),
            b"style" => Kind::Skip("style"),
            b"script" => Kind::Skip("script"),
            b"title" => Kind::Skip("title"),
            b"template" => Kind::Skip("template"),
            b"br" => Kind::LineBreak,
            b"p" if !self.closing && self.attributes.contains("MsoNormal") => Kind::WordLine,
            b"p" | b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6" => Kind::Paragraph,
            b"div" | b"tr" | b"table" | b"ul" | b"ol" | b"section" | b"article" | b"header"
            | b"footer" | b"dl" | b"dt" | b"dd" | b"address" | b"center" | b"tbody" | b"thead"
            | b"form" | b"body" => {
                if !self.closing && self.is_signature_container() {
                    Kind::Signature
                } else {
                    Kind::Block
                }
            }
            b"li" => Kind::ListItem,
            b"td" | b"th" => Kind::Cell,
            b"hr" => Kind::Rule,
            b"blockquote" => Kind::Quote,
            b"pre" => Kind::Pre,
            _ => return None,
        };
        Some((kind, self.closing))
    }

    /// Gmail marks its signature `class="gmail_signature"`; Outlook on the web `id="Signature"`.
    fn is_signature_container(&self) -> bool {
        let attributes = self.attributes;
        attributes.contains("gmail_signature")
            || attributes.contains("id=\"Signature\"")
            || attributes.contains("id=\"signature\"")
            || attributes.contains("moz-signature")
    }
}

#[derive(Default)]
struct Writer {
    lines: Vec<(usize, String)>,
    current: String,
    current_depth: usize,
    depth: usize,
    pending_space: bool,
    pre: bool,
    in_word_line: bool,
}

impl Writer {
    fn raw_text(&mut self, raw: &str) {
        if raw.contains('&') {
            let decoded = decode_entities(raw);
            self.text_ws(&decoded);
        } else {
            self.text_ws(raw);
        }
    }

    fn text_ws(&mut self, text: &str) {
        if self.pre {
            for (n, line) in text.split('\n').enumerate() {
                if n > 0 {
                    self.newline();
                }
                self.text(line.trim_end_matches('\r'));
            }
            return;
        }
        for c in text.chars() {
            if c.is_whitespace() || c == '\u{a0}' {
                self.pending_space = true;
            } else if is_invisible(c) {
                continue;
            } else {
                if self.pending_space && !self.current.is_empty() && !self.current.ends_with(' ') {
                    self.current.push(' ');
                }
                self.pending_space = false;
                self.start_line_if_empty();
                self.current.push(c);
            }
        }
    }

    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.pending_space && !self.current.is_empty() && !self.current.ends_with(' ') {
            self.current.push(' ');
        }
        self.pending_space = false;
        self.start_line_if_empty();
        self.current.push_str(text);
    }

    fn start_line_if_empty(&mut self) {
        if self.current.is_empty() {
            self.current_depth = self.depth;
        }
    }

    fn newline(&mut self) {
        let line = std::mem::take(&mut self.current);
        let depth = if line.is_empty() {
            self.depth
        } else {
            self.current_depth
        };
        self.lines.push((depth, line.trim_end().to_string()));
        self.pending_space = false;
    }

    /// Ends the current line if it has text; a block never adds an empty line by itself.
    fn block(&mut self) {
        if !self.current.trim().is_empty() {
            self.newline();
        } else {
            self.current.clear();
            self.pending_space = false;
        }
    }

    fn paragraph(&mut self) {
        self.block();
        if self.lines.last().is_some_and(|(_, l)| !l.is_empty()) {
            self.lines.push((self.depth, String::new()));
        }
    }

    fn cell(&mut self) {
        if !self.current.trim().is_empty() {
            self.pending_space = true;
        }
    }

    fn finish(mut self) -> String {
        self.block();
        let mut out = String::new();
        let mut blank_run = 0;
        for (depth, line) in &self.lines {
            if line.is_empty() {
                blank_run += 1;
                if blank_run > 1 {
                    continue;
                }
            } else {
                blank_run = 0;
            }
            for _ in 0..*depth {
                out.push('>');
            }
            if *depth > 0 && !line.is_empty() {
                out.push(' ');
            }
            out.push_str(line.trim_start());
            out.push('\n');
        }
        out.trim_matches('\n').to_string()
    }
}

fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}' | '\u{ad}'
    )
}

/// Decodes character references: numeric, and the named ones mail actually uses.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let candidate = rest[1..]
            .char_indices()
            .take(12)
            .find(|(_, c)| *c == ';')
            .map(|(n, _)| &rest[1..1 + n]);
        let decoded = candidate.and_then(|name| {
            let c = match name.strip_prefix('#') {
                Some(num) => match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok().and_then(char::from_u32),
                    None => num.parse::<u32>().ok().and_then(char::from_u32),
                },
                None => named_entity(name),
            }?;
            Some((c, name.len() + 2))
        });
        match decoded {
            Some((c, used)) => {
                out.push(if c == '\u{a0}' { ' ' } else { c });
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn named_entity(name: &str) -> Option<char> {
    // Latin-1 letters come from a table because French, German, Spanish and Portuguese HTML mail
    // still writes them as entities.
    const LATIN1: [&str; 96] = [
        "nbsp", "iexcl", "cent", "pound", "curren", "yen", "brvbar", "sect", "uml", "copy", "ordf",
        "laquo", "not", "shy", "reg", "macr", "deg", "plusmn", "sup2", "sup3", "acute", "micro",
        "para", "middot", "cedil", "sup1", "ordm", "raquo", "frac14", "frac12", "frac34", "iquest",
        "Agrave", "Aacute", "Acirc", "Atilde", "Auml", "Aring", "AElig", "Ccedil", "Egrave",
        "Eacute", "Ecirc", "Euml", "Igrave", "Iacute", "Icirc", "Iuml", "ETH", "Ntilde", "Ograve",
        "Oacute", "Ocirc", "Otilde", "Ouml", "times", "Oslash", "Ugrave", "Uacute", "Ucirc",
        "Uuml", "Yacute", "THORN", "szlig", "agrave", "aacute", "acirc", "atilde", "auml", "aring",
        "aelig", "ccedil", "egrave", "eacute", "ecirc", "euml", "igrave", "iacute", "icirc",
        "iuml", "eth", "ntilde", "ograve", "oacute", "ocirc", "otilde", "ouml", "divide", "oslash",
        "ugrave", "uacute", "ucirc", "uuml", "yacute", "thorn", "yuml",
    ];
    if let Some(n) = LATIN1.iter().position(|e| *e == name) {
        return char::from_u32(0xa0 + n as u32);
    }
    Some(match name {
        "amp" | "AMP" => '&',
        "lt" | "LT" => '<',
        "gt" | "GT" => '>',
        "quot" | "QUOT" => '"',
        "apos" => '\'',
        "ensp" | "emsp" | "thinsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "lsquo" => '‘',
        "rsquo" => '’',
        "sbquo" => '‚',
        "ldquo" => '“',
        "rdquo" => '”',
        "bdquo" => '„',
        "hellip" => '…',
        "bull" => '•',
        "euro" => '€',
        "trade" => '™',
        "OElig" => 'Œ',
        "oelig" => 'œ',
        "zwnj" | "zwj" | "lrm" | "rlm" => '\u{200b}',
        "rarr" => '→',
        "larr" => '←',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn divs_and_breaks_become_lines() {
        let html = "<div dir=\"ltr\">Hi Bob,<div><br></div><div>Could we meet <b>Tuesday</b> at 3pm?</div></div>";
        assert_eq!(
            html_to_text(html),
            "Hi Bob,\n\nCould we meet Tuesday at 3pm?"
        );
    }

    #[test]
    fn style_script_and_head_are_dropped() {
        let html = "<html><head><title>T</title><style>p{color:red}</style></head><body><script>var a=1;</script><p>Hello</p></body></html>";
        assert_eq!(html_to_text(html), "Hello");
    }

    #[test]
    fn entities_are_decoded() {
        assert_eq!(
            html_to_text(
                "<p>caf&eacute; &amp; cr&egrave;me &#8211; &#x41;&nbsp;&lt;b&gt; &bogus;</p>"
            ),
            "café & crème – A <b> &bogus;"
        );
    }

    #[test]
    fn blockquotes_are_prefixed() {
        let html = "<div>Yes.</div><blockquote>Can we meet?<br>Tue?<blockquote>older</blockquote></blockquote>";
        assert_eq!(html_to_text(html), "Yes.\n> Can we meet?\n> Tue?\n>> older");
    }

    #[test]
    fn word_html_lines_are_single_lines() {
        let html = "<p class=MsoNormal>Thanks,<o:p></o:p></p><p class=MsoNormal>Maria<o:p></o:p></p><p class=MsoNormal><o:p>&nbsp;</o:p></p><p class=MsoNormal>PS<o:p></o:p></p>";
        assert_eq!(html_to_text(html), "Thanks,\nMaria\n\nPS");
    }

    #[test]
    fn paragraphs_are_separated_by_a_blank_line() {
        assert_eq!(html_to_text("<p>One</p><p>Two</p>"), "One\n\nTwo");
    }

    #[test]
    fn many_unclosed_tags_stay_fast() {
        let html = "<a".repeat(200_000);
        let started = std::time::Instant::now();
        let text = html_to_text(&html);
        assert_eq!(text.len(), html.len());
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn unterminated_markup_does_not_lose_text() {
        assert_eq!(html_to_text("a < b and <b"), "a < b and <b");
        assert_eq!(html_to_text("x<!-- never closed"), "x");
    }
}
