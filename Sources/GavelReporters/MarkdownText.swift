/// Text for Markdown that people read where it renders (pull-request comments, job
/// summaries, wiki pages). Values come from snapshots and policy files, which other people
/// write: a value such as `![t](https://attacker.example/p.png) @octocat` must show as those
/// characters, not load a remote image or notify a user.
///
/// - `code`: values observed on a site, asset names, messages, paths, IDs. A code span shows
///   its content literally (no links, images, HTML, emphasis or mentions); its fence is one
///   backtick longer than the longest run of backticks inside, so no value can close it.
/// - `text`: prose from the policy set (titles, statements, reasons): every character
///   Markdown or HTML would act on is escaped (`:` and the dot of `www.` too, which stops
///   GitHub's autolinks), and `@` is kept from forming a mention.
///
/// Both keep a value on one line (CR and LF become spaces) and escape `|`, so a value cannot
/// end a table cell or row early (GitHub reads `\|` as a pipe inside code spans in tables).
public enum MarkdownText {
    public static func code(_ s: String) -> String {
        guard !s.isEmpty else { return "" }
        var longest = 0, run = 0
        for b in s.utf8 {
            run = b == UInt8(ascii: "`") ? run + 1 : 0
            longest = max(longest, run)
        }
        let body = ByteEscaping.replacing(s) { b, i in
            switch b[i] {
            case 13, 10: return (" ", 1)
            case UInt8(ascii: "|"): return ("\\|", 1)
            case 0..<32 where b[i] != 9, 127: return ("\u{FFFD}", 1)  // terminal escapes and other controls
            default: return nil
            }
        }
        let fence = String(repeating: "`", count: longest + 1)
        // A space each side keeps a leading or trailing backtick from joining the fence;
        // Markdown strips exactly one such space from each side.
        let pad = body.hasPrefix("`") || body.hasSuffix("`") || body.hasPrefix(" ") && body.hasSuffix(" ") ? " " : ""
        return fence + pad + body + pad + fence
    }

    public static func text(_ s: String) -> String {
        ByteEscaping.replacing(s) { b, i in
            switch b[i] {
            case 13, 10: return (" ", 1)
            case UInt8(ascii: "\\"): return ("\\\\", 1)
            case UInt8(ascii: "`"): return ("\\`", 1)
            case UInt8(ascii: "*"): return ("\\*", 1)
            case UInt8(ascii: "_"): return ("\\_", 1)
            case UInt8(ascii: "["): return ("\\[", 1)
            case UInt8(ascii: "]"): return ("\\]", 1)
            case UInt8(ascii: "("): return ("\\(", 1)
            case UInt8(ascii: ")"): return ("\\)", 1)
            case UInt8(ascii: "<"): return ("\\<", 1)
            case UInt8(ascii: ">"): return ("\\>", 1)
            case UInt8(ascii: "!"): return ("\\!", 1)
            case UInt8(ascii: "#"): return ("\\#", 1)
            case UInt8(ascii: "~"): return ("\\~", 1)
            case UInt8(ascii: "|"): return ("\\|", 1)
            case UInt8(ascii: "&"): return ("\\&", 1)
            case UInt8(ascii: "$"): return ("\\$", 1)  // GitHub's math spans
            // Extended autolinks (`https://...`, `www.`) are not made across an escape.
            case UInt8(ascii: ":"): return ("\\:", 1)
            case UInt8(ascii: ".")
            where i >= 3 && b[i - 3] | 0x20 == UInt8(ascii: "w") && b[i - 2] | 0x20 == UInt8(ascii: "w") && b[i - 1] | 0x20 == UInt8(ascii: "w"):
                return ("\\.", 1)
            case 0..<32 where b[i] != 9, 127: return ("\u{FFFD}", 1)
            // GitHub finds mentions in the rendered text, where a backslash no longer is: a
            // word joiner (U+2060, invisible) after `@` keeps `@name` from being one.
            case UInt8(ascii: "@"): return ("@\u{2060}", 1)
            default: return nil
            }
        }
    }
}
