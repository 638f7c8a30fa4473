import GavelCore

/// A value read from PHP source without running it. `expression` holds the source text of
/// anything that needs PHP to evaluate (`getenv('DB_HOST')`, `$_SERVER['HTTP_HOST']`,
/// a constant defined elsewhere): recorded as written, never guessed.
indirect enum PHPValue: Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case float(Double)
    case string(String)
    case array([(key: PHPValue, value: PHPValue)])
    case expression(String)

    static func == (a: PHPValue, b: PHPValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.float(x), .float(y)): return x == y
        case let (.string(x), .string(y)), let (.expression(x), .expression(y)): return x == y
        case let (.array(x), .array(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    var isStatic: Bool {
        switch self {
        case .expression: return false
        case .array(let items): return items.allSatisfy { $0.key.isStatic && $0.value.isStatic }
        default: return true
        }
    }

    /// PHP's string conversion, for `.` concatenation of literals.
    var phpString: String? {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "1" : ""
        case .int(let i): return String(i)
        case .string(let s): return s
        case .float(let d):
            if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
            return "\(d)"
        default: return nil
        }
    }

    /// As JSON: a list when the keys are 0..n-1 in order (what json_encode does), else an
    /// object; an expression as `{"expression": "..."}`.
    var json: Value {
        switch self {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .double(d)
        case .string(let s): return .string(s)
        case .expression(let e): return .object([("expression", .string(e))])
        case .array(let items):
            if items.enumerated().allSatisfy({ $0.element.key == .int(Int64($0.offset)) }) { return .array(items.map(\.value.json)) }
            return .object(
                items.map { (k, v) in
                    switch k {
                    case .int(let i): return (String(i), v.json)
                    case .string(let s): return (s, v.json)
                    case .expression(let e): return (e, v.json)
                    default: return (k.phpString ?? "", v.json)
                    }
                })
        }
    }
}

/// Reads the subset of PHP that wp-config.php, env.php and config.php are written in:
/// `define()` in all its spellings (also behind `defined(...) ||` / `or` and inside
/// `if (!defined(...)) { ... }`), `const X = ...;`, `$variable = ...;` and `return ...;`,
/// with literal values, nested `array(...)`/`[...]`, concatenation of literals and constants
/// the file defined earlier. Other statements (functions, classes, require) are skipped.
struct PHPSourceReader {
    struct Define { var name: String; var value: PHPValue; var line: Int; var conditional: Bool }
    struct Assignment { var name: String; var value: PHPValue; var line: Int }

    private(set) var defines: [Define] = []
    private(set) var assignments: [Assignment] = []
    private(set) var returned: PHPValue?
    private(set) var returnLine = 0

    private var toks: [PHPLexer.Token] = []
    private var i = 0
    private var nesting = 0
    /// Expressions nested deeper than this are refused: the reader recurses once per level,
    /// and no configuration file nests arrays or calls anywhere near it.
    static let maxNesting = 256
    private var source: [UInt8] = []
    private(set) var file = ""

    static func read(_ bytes: [UInt8], file: String) throws -> PHPSourceReader {
        var r = PHPSourceReader()
        r.source = bytes
        r.file = file
        var lexer = PHPLexer(bytes)
        do { r.toks = try lexer.tokens() } catch {
            throw Diagnostic(.phpSourceSyntax, error.message, at: SourceLocation(file: file, line: error.line, column: error.column))
        }
        try r.statements(until: nil, conditional: false)
        return r
    }

    // MARK: tokens

    private var tok: PHPLexer.Token { toks[i] }
    private func isPunct(_ p: String, _ k: Int = 0) -> Bool { i + k < toks.count && toks[i + k].kind == .punct(p) }
    private func isName(_ n: String, _ k: Int = 0) -> Bool {
        if i + k < toks.count, case .name(let s) = toks[i + k].kind { return s.lowercased() == n }
        return false
    }
    private func fail(_ message: String) -> Diagnostic {
        Diagnostic(.phpSourceSyntax, message, at: SourceLocation(file: file, line: tok.line, column: tok.column))
    }
    private mutating func expect(_ p: String, _ what: String) throws {
        guard isPunct(p) else { throw fail("expected '\(p)' \(what)") }
        i += 1
    }
    private func text(_ from: Int, _ to: Int) -> String {
        guard from < to else { return "" }
        return String(decoding: source[toks[from].offset..<toks[to - 1].end], as: UTF8.self)
    }

    // MARK: statements

    private mutating func statements(until close: String?, conditional: Bool) throws {
        while true {
            if tok.kind == .end {
                if close != nil { throw fail("unexpected end of file, expecting '}'") }
                return
            }
            if let close, isPunct(close) { i += 1; return }
            if close == nil && isPunct("}") { throw fail("unexpected '}'") }
            let before = i
            try statement(conditional: conditional)
            if i == before { throw fail("unexpected token") }  // every statement consumes something
        }
    }

    private mutating func statement(conditional: Bool) throws {
        if isPunct(";") { i += 1; return }
        if isName("define") && isPunct("(", 1) { try define(conditional: conditional); try endStatement(); return }
        // defined('X') || define('X', ...);   defined('X') or define(...);
        if isName("defined") || (isPunct("!") && isName("defined", 1)) {
            let save = i
            skipBalancedCall()
            if isPunct("||") || isName("or") || isPunct("&&") || isName("and") {
                i += 1
                if isName("define") && isPunct("(", 1) { try define(conditional: true); try endStatement(); return }
            }
            i = save
        }
        if isName("const") {
            i += 1
            while true {
                guard case .name(let n) = tok.kind else { throw fail("expected a constant name after const") }
                let line = tok.line
                i += 1
                try expect("=", "after const \(n)")
                defines.append(Define(name: n, value: try expression(), line: line, conditional: conditional))
                if isPunct(",") { i += 1; continue }
                break
            }
            try endStatement()
            return
        }
        if case .variable(let v) = tok.kind, isPunct("=", 1) {
            let line = tok.line
            i += 2
            assignments.append(Assignment(name: v, value: try expression(), line: line))
            try endStatement()
            return
        }
        if isName("return") {
            returnLine = tok.line
            i += 1
            returned = isPunct(";") ? .null : try expression()
            try endStatement()
            return
        }
        if isName("if") && isPunct("(", 1) {
            i += 1
            skipBalancedCall()
            if isPunct("{") { i += 1; try statements(until: "}", conditional: true) } else { try statement(conditional: true) }
            while isName("elseif") || isName("else") {
                let isElse = isName("else")
                i += 1
                if !isElse { skipBalancedCall() }
                if isPunct("{") { i += 1; try statements(until: "}", conditional: true) } else { try statement(conditional: true) }
            }
            return
        }
        if isPunct("{") { i += 1; try statements(until: "}", conditional: conditional); return }
        // Anything else (require, function, class, echo...): skip to the end of the statement,
        // over balanced brackets and braces.
        skipStatement()
    }

    private mutating func endStatement() throws {
        if isPunct(";") { i += 1; return }
        if tok.kind == .end { return }
        throw fail("expected ';'")
    }

    /// Skips `(...)` starting at the current token (or a `!` before it and a name call).
    private mutating func skipBalancedCall() {
        while isPunct("!") { i += 1 }
        if case .name = tok.kind { i += 1 }
        guard isPunct("(") else { return }
        skipBalanced()
    }

    /// Skips one bracketed group `(...)`, `[...]` or `{...}` starting at the current token.
    private mutating func skipBalanced() {
        guard isPunct("(") || isPunct("[") || isPunct("{") else { return }
        var depth = 0
        repeat {
            if isPunct("(") || isPunct("[") || isPunct("{") { depth += 1 }
            if isPunct(")") || isPunct("]") || isPunct("}") { depth -= 1 }
            i += 1
        } while depth > 0 && tok.kind != .end
    }

    private mutating func skipStatement() {
        var depth = 0
        while tok.kind != .end {
            if isPunct("(") || isPunct("[") || isPunct("{") { depth += 1 }
            if isPunct(")") || isPunct("]") { depth -= 1 }
            if isPunct("}") {
                if depth == 0 { return }  // the enclosing block's end
                depth -= 1
                if depth == 0 { i += 1; return }  // end of a function or class body
            }
            if isPunct(";") && depth == 0 { i += 1; return }
            i += 1
        }
    }

    private mutating func define(conditional: Bool) throws {
        let line = tok.line
        i += 2
        let name = try expression()
        try expect(",", "between the constant's name and value in define()")
        let value = try expression()
        if isPunct(",") { i += 1; _ = try expression() }  // the old case-insensitive flag
        if isPunct(",") { i += 1 }
        try expect(")", "to close define(")
        guard case .string(let n) = name else {
            defines.append(Define(name: name.json.display, value: value, line: line, conditional: conditional))
            return
        }
        defines.append(Define(name: n, value: value, line: line, conditional: conditional))
    }

    // MARK: expressions

    /// An expression up to `,` `)` `]` `;` `=>` at depth 0: its value when it is made of
    /// literals, arrays and `.` of literals; otherwise its source text.
    private mutating func expression() throws -> PHPValue {
        nesting += 1
        defer { nesting -= 1 }
        guard nesting <= PHPSourceReader.maxNesting else { throw fail("expressions nested deeper than \(PHPSourceReader.maxNesting) levels") }
        let start = i
        var operands: [PHPValue] = []
        var onlyConcat = true
        while true {
            operands.append(try operand())
            if isPunct(".") { i += 1; continue }
            if isPunct(",") || isPunct(")") || isPunct("]") || isPunct(";") || isPunct("=>") || isPunct("}") || tok.kind == .end { break }
            // Any other operator: keep reading the whole expression, but it is not static.
            let wordOperator = isName("and") || isName("or") || isName("xor") || isName("instanceof")
            if !wordOperator, case .punct = tok.kind {} else if !wordOperator { throw fail("expected an operator, ',' or ';' after a value") }
            onlyConcat = false
            i += 1
            if isPunct(":") { i += 1 }  // the short ternary ?:
        }
        if onlyConcat && operands.count == 1 { return operands[0] }
        if onlyConcat, operands.allSatisfy(\.isStatic) {
            var s = ""
            for o in operands {
                guard let part = o.phpString else { return .expression(text(start, i)) }
                s += part
            }
            return .string(s)
        }
        return .expression(text(start, i))
    }

    private mutating func operand() throws -> PHPValue {
        let start = i
        // Prefix operators make the operand an expression unless they are a sign on a number.
        if isPunct("-") || isPunct("+") {
            let negative = isPunct("-")
            i += 1
            let v = try operand()
            switch v {
            case .int(let n): return .int(negative ? -n : n)
            case .float(let d): return .float(negative ? -d : d)
            default: return .expression(text(start, i))
            }
        }
        if isPunct("!") || isPunct("@") || isPunct("~") {
            i += 1
            _ = try operand()
            return .expression(text(start, i))
        }
        switch tok.kind {
        case .string(let s, let interp):
            i += 1
            return interp ? .expression(text(start, i)) : .string(s)
        case .int(let n): i += 1; return .int(n)
        case .float(let d): i += 1; return .float(d)
        case .variable:
            i += 1
            try postfix()
            return .expression(text(start, i))
        case .name(let n):
            i += 1
            let lower = n.lowercased()
            if lower == "array" && isPunct("(") { i += 1; return try arrayBody(close: ")") }
            if isPunct("(") || isPunct("::") || isPunct("->") {
                try postfix()
                return .expression(text(start, i))
            }
            switch lower {
            case "true": return .bool(true)
            case "false": return .bool(false)
            case "null": return .null
            case "__file__": return .string(file)
            case "__dir__": return .string(file.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/"))
            case "__line__": return .int(Int64(toks[start].line))
            default:
                // A constant this file defined before: the first define() wins, as in PHP.
                if let d = defines.first(where: { $0.name == n }), d.value.isStatic { return d.value }
                if lower == "new" { try postfix(); if case .name = tok.kind { i += 1 }; try postfix() }
                return .expression(text(start, i))
            }
        case .punct("["):
            i += 1
            return try arrayBody(close: "]")
        case .punct("("):
            i += 1
            // A cast `(int) x`, or a parenthesised expression.
            if case .name(let n) = tok.kind, isPunct(")", 1),
                ["int", "integer", "bool", "boolean", "string", "float", "double", "array", "object"].contains(n.lowercased())
            {
                i += 2
                _ = try operand()
                return .expression(text(start, i))
            }
            let inner = try expression()
            try expect(")", "to close '('")
            let afterParen = i
            try postfix()
            return i == afterParen ? inner : .expression(text(start, i))
        default:
            throw fail("expected a value")
        }
    }

    /// Calls, indexes and property reads after an operand: `f(...)`, `$a['k']`, `X::Y`, `$o->p`.
    private mutating func postfix() throws {
        while true {
            if isPunct("(") || isPunct("[") || isPunct("{") {
                skipBalanced()
            } else if isPunct("::") || isPunct("->") || isPunct("?->") {
                i += 1
                if case .name = tok.kind { i += 1 } else if case .variable = tok.kind { i += 1 }
            } else {
                return
            }
        }
    }

    private mutating func arrayBody(close: String) throws -> PHPValue {
        var items: [(key: PHPValue, value: PHPValue)] = []
        var nextIndex: Int64 = 0
        // After the key PHP_INT_MAX there is no next index: PHP stops with an Error there.
        var full = false
        while !isPunct(close) {
            guard tok.kind != .end else { throw fail("unexpected end of file in an array, expecting '\(close)'") }
            if isPunct("...") { i += 1 }
            let first = try expression()
            if isPunct("=>") {
                i += 1
                var key = first
                // PHP casts keys: "5" -> 5, true -> 1, null -> "", 1.7 -> 1.
                switch key {
                case .string(let s): if let n = Int64(s), String(n) == s { key = .int(n) }
                case .bool(let b): key = .int(b ? 1 : 0)
                case .null: key = .string("")
                case .float(let d): key = .int(PHPSourceReader.integerKey(d))
                default: break
                }
                let value = try expression()
                // A repeated key keeps its first position and takes the last value, as in PHP.
                if key.isStatic, let at = items.firstIndex(where: { $0.key == key }) { items[at].value = value } else { items.append((key, value)) }
                if case .int(let n) = key, n >= nextIndex {
                    if n == .max { full = true } else { nextIndex = n + 1 }
                }
            } else {
                guard !full else { throw fail("cannot add an element to the array: the next index would pass PHP_INT_MAX (PHP stops with an Error here too)") }
                items.append((.int(nextIndex), first))
                if nextIndex == .max { full = true } else { nextIndex += 1 }
            }
            if isPunct(",") { i += 1; continue }
            guard isPunct(close) else { throw fail("expected ',' or '\(close)' in an array") }
        }
        i += 1
        return .array(items)
    }
}

extension PHPSourceReader {
    /// A float array key as PHP 8 (64-bit) turns it into an integer: truncated toward zero,
    /// taken modulo 2^64 when out of range (`1e30` is 5076964154930102272), 0 for NAN and INF.
    static func integerKey(_ d: Double) -> Int64 {
        guard d.isFinite else { return 0 }
        if d > -9.223372036854775808e18 && d < 9.223372036854775808e18 { return Int64(d) }
        var m = d.truncatingRemainder(dividingBy: 18446744073709551616.0)
        if m < 0 { m += 18446744073709551616.0 }
        if m >= 9.223372036854775808e18 { m -= 18446744073709551616.0 }
        return Int64(m)
    }
}
