import CYAML
import GavelCore

/// Parses one YAML document with libyaml's event API into `YAMLNode`s with positions.
///
/// Deliberate choices: anchors/aliases are rejected (policies must read top to bottom),
/// more than one document per file is rejected, duplicate keys are errors, tags other
/// than the core `!!str`/`!!int`/... are errors.
public enum YAMLParser {
    public static func parse(_ text: String, file: String) throws(Diagnostic) -> YAMLNode {
        let bytes = Array(text.utf8)
        if bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 }) {
            throw Diagnostic(.emptyFile, "the file is empty; it needs a 'gavel:' marker and content", at: SourceLocation(file: file, line: 1, column: 1))
        }
        let result: Result<YAMLNode, Diagnostic> = bytes.withUnsafeBufferPointer { buf in
            do throws(Diagnostic) { return .success(try parseBuffer(buf, bytes: bytes, file: file)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private static func parseBuffer(_ buf: UnsafeBufferPointer<UInt8>, bytes: [UInt8], file: String) throws(Diagnostic) -> YAMLNode {
        do {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                throw Diagnostic(.yamlSyntax, "libyaml could not be initialised", at: nil)
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)
            var builder = Builder(file: file, source: bytes)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw builder.syntaxError(&parser)
                }
                defer { yaml_event_delete(&event) }
                if try builder.handle(&event) { break }
            }
            guard let root = builder.root else {
                throw Diagnostic(.emptyFile, "the file has no YAML document", at: SourceLocation(file: file, line: 1, column: 1))
            }
            return root
        }
    }
}

private struct Builder {
    /// A sequence or mapping being read. A class, so that adding an item grows the array in
    /// place (an enum payload taken out and put back was copied on every item: a mapping of
    /// 50,000 keys took minutes), with the keys seen so far in a dictionary for duplicates.
    final class Frame {
        let isMapping: Bool
        let start: SourceLocation
        let flow: Bool
        var items: [YAMLNode] = []
        var pairs: [YAMLPair] = []
        var pendingKey: YAMLNode?
        var firstKeyAt: [String: SourceLocation] = [:]
        init(mapping: Bool, _ start: SourceLocation, flow: Bool) {
            isMapping = mapping
            self.start = start
            self.flow = flow
        }
    }

    let file: String
    let source: [UInt8]
    var stack: [Frame] = []
    var root: YAMLNode?
    var documents = 0

    init(file: String, source: [UInt8]) {
        self.file = file
        self.source = source
    }

    func loc(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// Returns true at the end of the stream.
    mutating func handle(_ e: inout yaml_event_t) throws(Diagnostic) -> Bool {
        let at = loc(e.start_mark)
        switch e.type {
        case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT:
            return false
        case YAML_STREAM_END_EVENT:
            return true
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw Diagnostic(.yamlMultiDocument, "a file may hold only one YAML document; split this one into its own file", at: at)
            }
        case YAML_ALIAS_EVENT:
            throw Diagnostic(.yamlAlias, "YAML aliases (*name) are not supported; write the value out in full", at: at)
        case YAML_SCALAR_EVENT:
            let s = e.data.scalar
            try checkAnchor(s.anchor, at)
            let forced = try checkTag(s.tag, at)
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
            let style: YAMLScalar.Style
            switch s.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            try add(YAMLNode(.scalar(YAMLScalar(text: text, style: style, forcedString: forced)), at: at))
        case YAML_SEQUENCE_START_EVENT:
            try checkDepth(at)
            try checkAnchor(e.data.sequence_start.anchor, at)
            _ = try checkTag(e.data.sequence_start.tag, at)
            stack.append(Frame(mapping: false, at, flow: e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE))
        case YAML_MAPPING_START_EVENT:
            try checkDepth(at)
            try checkAnchor(e.data.mapping_start.anchor, at)
            _ = try checkTag(e.data.mapping_start.tag, at)
            stack.append(Frame(mapping: true, at, flow: e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE))
        case YAML_SEQUENCE_END_EVENT:
            guard let f = stack.popLast(), !f.isMapping else { break }
            try add(YAMLNode(.sequence(f.items), at: f.start, flow: f.flow))
        case YAML_MAPPING_END_EVENT:
            guard let f = stack.popLast(), f.isMapping else { break }
            try add(YAMLNode(.mapping(f.pairs), at: f.start, flow: f.flow))
        default:
            break
        }
        return false
    }

    mutating func add(_ node: YAMLNode) throws(Diagnostic) {
        guard let top = stack.last else {
            root = node
            return
        }
        if !top.isMapping {
            top.items.append(node)
        } else if let key = top.pendingKey {
            top.pairs.append(YAMLPair(key: key, value: node))
            top.pendingKey = nil
        } else {
            guard let k = node.scalar else {
                throw Diagnostic(.yamlComplexKey, "mapping keys must be plain strings, not \(node.describedType)", at: node.location)
            }
            if let first = top.firstKeyAt[k.text] {
                throw Diagnostic(
                    .duplicateKey, "duplicate key '\(k.text)' in this mapping", at: node.location,
                    notes: [.init("first defined", at: first)])
            }
            top.firstKeyAt[k.text] = node.location
            top.pendingKey = node
        }
    }

    /// Mappings and sequences nested deeper than any policy needs. Everything above the
    /// parser walks the tree recursively, so a file nested thousands deep would overflow the
    /// stack; it is an error here instead.
    static let maxDepth = 100

    func checkDepth(_ at: SourceLocation) throws(Diagnostic) {
        if stack.count >= Builder.maxDepth {
            throw Diagnostic(.yamlTooDeep, "mappings and sequences are nested more than \(Builder.maxDepth) deep here; no Gavel file needs that", at: at)
        }
    }

    func checkAnchor(_ anchor: UnsafeMutablePointer<yaml_char_t>?, _ at: SourceLocation) throws(Diagnostic) {
        if let anchor {
            let name = String(cString: anchor)
            throw Diagnostic(.yamlAlias, "YAML anchors (&\(name)) and aliases are not supported; write the value out in full", at: at)
        }
    }

    /// Accepts the core schema tags; `!!str` forces a string. Anything else is an error.
    func checkTag(_ tag: UnsafeMutablePointer<yaml_char_t>?, _ at: SourceLocation) throws(Diagnostic) -> Bool {
        guard let tag else { return false }
        let t = String(cString: tag)
        let core = "tag:yaml.org,2002:"
        guard t.hasPrefix(core), ["str", "int", "float", "bool", "null", "seq", "map"].contains(t.dropFirst(core.count)) else {
            throw Diagnostic(.yamlTag, "YAML tag '\(t)' is not supported; only the core tags such as !!str are", at: at)
        }
        return t == core + "str"
    }

    func syntaxError(_ p: inout yaml_parser_t) -> Diagnostic {
        let problem = p.problem.map { String(cString: $0) } ?? "syntax error"
        let context = p.context.map { String(cString: $0) }
        let mark = p.problem_mark
        let at = loc(mark)
        let offset = Int(mark.index)
        var notes: [Diagnostic.Note] = []
        if let context { notes.append("libyaml: \(context) (\(loc(p.context_mark)))") }
        if offset < source.count, source[offset] == UInt8(ascii: "\t") || (problem.contains("tab")) {
            return Diagnostic(.yamlTab, "a tab character cannot be used here; YAML indents with spaces only", at: at, notes: notes)
        }
        // `{ path: a[*].b }` inside a flow collection: `[` opens a sequence and `*` an alias.
        let flowWildcard = (context ?? "").contains("alias") && lineText(mark).contains("[*")
        if (context ?? "").contains("flow mapping") || problem.contains("',' or '}'") || flowWildcard {
            let line = lineText(mark)
            if line.contains("[") || line.contains("]") {
                return Diagnostic(
                    .yamlFlowBrackets,
                    "inside a flow mapping { ... }, a value containing [ or ] must be quoted, e.g. { path: \"nginx.servers[0].ssl\", equals: true }",
                    at: at, notes: notes + ["libyaml: \(problem)"])
            }
        }
        return Diagnostic(.yamlSyntax, "invalid YAML: \(problem)", at: at, notes: notes)
    }

    func lineText(_ mark: yaml_mark_t) -> String {
        var start = min(Int(mark.index), source.count)
        while start > 0, source[start - 1] != 10 { start -= 1 }
        var end = start
        while end < source.count, source[end] != 10 { end += 1 }
        return String(decoding: source[start..<end], as: UTF8.self)
    }
}
