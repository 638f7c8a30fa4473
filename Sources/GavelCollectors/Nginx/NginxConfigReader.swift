import Foundation
import GavelCore

/// One directive as nginx reads it: name, arguments (unquoted and unescaped), where it is
/// written, and its block's directives when it opens one. An `include` keeps its own place in
/// the tree (with the files it matched) and the included directives follow it as siblings, each
/// with its own file and line, which is how nginx applies them.
public struct NginxDirective: Sendable {
    public var name: String
    public var args: [String]
    public var file: String
    public var line: Int
    public var block: [NginxDirective]?
    public var included: [String]?

    public var location: SourceLocation { SourceLocation(file: file, line: line) }
}

/// Where configuration files come from: the disk, or the file sections of an `nginx -T` dump.
protocol NginxFileSource {
    /// The file's bytes, or why it cannot be read (as nginx would be told by the system).
    func read(_ path: String) throws(FileBytes.ReadError) -> [UInt8]
    /// Names matching a glob pattern, sorted as nginx's glob() sorts them (byte order): every
    /// name glob(3) returns, directories and dangling links included, which nginx then
    /// fails to read.
    func glob(_ pattern: String) -> [String]
}

/// Parses a configuration file and everything it includes into directives, with nginx's
/// errors: unexpected characters, unterminated blocks and strings, wrong argument counts for
/// the directives in `NginxDirectiveTable`, includes that do not exist.
struct NginxConfigReader {
    /// The directory relative include paths are resolved against (nginx's conf prefix: the
    /// directory of the main configuration file).
    var prefix: String
    var source: NginxFileSource
    private(set) var files: [String] = []
    /// Directives none of nginx's own modules declare (a third-party module's, or a typo such
    /// as `proxy_passs`), in the order met. Kept in the tree, listed in the snapshot, warned of.
    private(set) var unknown: [NginxDirective] = []

    init(prefix: String, source: NginxFileSource) {
        self.prefix = prefix.hasSuffix("/") ? String(prefix.dropLast()) : prefix
        self.source = source
    }

    mutating func read(main path: String) throws -> [NginxDirective] {
        let bytes: [UInt8]
        do { bytes = try source.read(path) } catch {
            throw Diagnostic(.nginxInclude, "cannot open the configuration file \(path): \(error)")
        }
        return try parse(bytes, file: path, context: nil, depth: 0)
    }

    /// A file's directives, read as if written inside `context` (the block holding the
    /// `include`: nginx parses an included file in its includer's block, so a file of
    /// `server` lines included in `upstream` is upstream servers).
    private mutating func parse(_ bytes: [UInt8], file: String, context: NginxDirective?, depth: Int) throws -> [NginxDirective] {
        files.append(file)
        var lexer = NginxLexer(bytes, file: file)
        return try block(&lexer, context: context, closes: false, depth: depth)
    }

    /// Directives until the block's `}` (`closes`), or the end of the file (a whole file).
    private mutating func block(_ lx: inout NginxLexer, context parent: NginxDirective?, closes: Bool, depth: Int) throws -> [NginxDirective] {
        var out: [NginxDirective] = []
        // Inside these blocks the lines are data (MIME types, map entries), not directives;
        // `map`, `geo` and `types` still read `include` as nginx's handlers for them do.
        let opaque = ["types", "map", "geo", "split_clients", "match"].contains(parent?.name ?? "")
        let opaqueIncludes = ["types", "map", "geo"].contains(parent?.name ?? "")
        while true {
            let st = try lx.next()
            switch st.end {
            case .endOfFile:
                if closes, let parent {
                    throw lx.error(
                        "unexpected end of file, expecting \"}\" to close \"\(parent.name)\" opened at line \(parent.line)", line: st.line, column: st.column)
                }
                return out
            case .blockEnd:
                guard closes else { throw lx.error("unexpected \"}\"", line: st.line, column: st.column) }
                return out
            case .semicolon, .blockStart:
                let name = st.words[0].text
                var d = NginxDirective(name: name, args: st.words.dropFirst().map(\.text), file: lx.file, line: st.line)
                if !opaque, let shape = shape(name, parent: parent) {
                    try check(d, shape, opensBlock: st.end == .blockStart, lx)
                }
                if !opaque, !NginxKnownDirectives.names.contains(name) { unknown.append(d) }
                if st.end == .blockStart, name.hasSuffix("_by_lua_block") {
                    // ngx_lua's blocks hold Lua, not directives: skipped as ngx_lua reads them.
                    try lx.skipLuaBlock(opened: st.line, column: st.column)
                    d.block = []
                    out.append(d)
                } else if st.end == .blockStart {
                    guard depth < NginxConfigReader.maxNesting else {
                        throw Diagnostic(
                            .nginxDirective,
                            "blocks nested deeper than \(NginxConfigReader.maxNesting) levels: nginx accepts them, but Gavel reads at most \(NginxConfigReader.maxNesting) (its snapshot must stay within what JSON readers accept)",
                            at: d.location)
                    }
                    d.block = try block(&lx, context: d, closes: true, depth: depth + 1)
                    out.append(d)
                } else if name == "include" && (!opaque || opaqueIncludes) {
                    if opaqueIncludes, d.args.count != 1 {
                        throw Diagnostic(.nginxDirective, "invalid number of arguments in \"include\" directive", at: d.location)
                    }
                    let (paths, included) = try include(d, context: parent, depth: depth)
                    d.included = paths
                    out.append(d)
                    out += included
                } else {
                    out.append(d)
                }
            }
        }
    }

    private func shape(_ name: String, parent: NginxDirective?) -> NginxDirectiveTable.Shape? {
        if name == "server" && parent?.name == "upstream" { return nil }
        return NginxDirectiveTable.shape(name)
    }

    private func check(_ d: NginxDirective, _ s: NginxDirectiveTable.Shape, opensBlock: Bool, _ lx: NginxLexer) throws {
        if s.block && !opensBlock {
            throw Diagnostic(.nginxDirective, "directive \"\(d.name)\" has no opening \"{\"", at: d.location)
        }
        if !s.block && opensBlock {
            throw Diagnostic(.nginxDirective, "directive \"\(d.name)\" is not terminated by \";\"", at: d.location)
        }
        if d.args.count < s.min || d.args.count > s.max {
            let hint = d.args.count > s.max ? " (a missing \";\" joins it with the next line)" : ""
            throw Diagnostic(.nginxDirective, "invalid number of arguments in \"\(d.name)\" directive\(hint)", at: d.location)
        }
        if s.flag, let v = d.args.first, v.lowercased() != "on" && v.lowercased() != "off" {
            throw Diagnostic(.nginxDirective, "invalid value \"\(v)\" in \"\(d.name)\" directive, it must be \"on\" or \"off\"", at: d.location)
        }
    }

    /// nginx resolves a relative include against the conf prefix, treats a name with `*?[` as a
    /// glob (no match is fine), and fails on a plain name that cannot be opened.
    private mutating func include(_ d: NginxDirective, context: NginxDirective?, depth: Int) throws -> ([String], [NginxDirective]) {
        includeDepth += 1
        defer { includeDepth -= 1 }
        guard includeDepth <= 32 else {
            throw Diagnostic(.nginxInclude, "includes nested deeper than 32 levels (does a file include itself?)", at: d.location)
        }
        let raw = d.args[0]
        let path = raw.hasPrefix("/") ? raw : prefix + "/" + raw
        let paths = path.contains(where: { "*?[".contains($0) }) ? source.glob(path) : [path]
        var out: [NginxDirective] = []
        for p in paths {
            let bytes: [UInt8]
            do { bytes = try source.read(p) } catch {
                throw Diagnostic(.nginxInclude, "open() \"\(p)\" failed (\(error))", at: d.location)
            }
            out += try parse(bytes, file: p, context: context, depth: depth)
        }
        return (paths, out)
    }

    /// How deep blocks may nest, counting through included files. nginx has no limit, but
    /// Gavel's snapshot keeps the directive tree, two JSON levels per block, and JSON
    /// readers (jansson among them) refuse documents nested deeper than 2048; the reader,
    /// the secret redaction and the JSON writer also recurse once per level. Real
    /// configurations nest a handful of levels: deeper than this is refused with an error
    /// that says why, never a crash.
    static let maxNesting = 500
    private var includeDepth = 0
}

/// Files on disk, optionally under a root directory (a mounted image): paths stay the
/// machine's own, only reads are redirected.
struct NginxDiskFiles: NginxFileSource {
    var root = "/"

    private func real(_ path: String) -> String { RootPath.join(root, path) }

    func read(_ path: String) throws(FileBytes.ReadError) -> [UInt8] {
        try FileBytes.contents(real(path))
    }

    func glob(_ pattern: String) -> [String] {
        // Expand one path component at a time, like glob(3) without GLOB_PERIOD.
        var candidates = [pattern.hasPrefix("/") ? "" : "."]
        for comp in pattern.split(separator: "/", omittingEmptySubsequences: true).map(String.init) {
            var next: [String] = []
            for base in candidates {
                if comp.contains(where: { "*?[".contains($0) }) {
                    let dir = base.isEmpty ? "/" : base
                    let names = (try? FileManager.default.contentsOfDirectory(atPath: real(dir))) ?? []
                    for n in names.sorted(by: NginxGlob.byteOrder) where NginxGlob.matches(comp, n) {
                        next.append(base + "/" + n)
                    }
                } else {
                    next.append(base + "/" + comp)
                }
            }
            candidates = next
        }
        // glob(3) keeps every name that exists as a link or entry (lstat), dangling links and
        // folders included; nginx then fails to read them, and so does the reader.
        // (Under --root, the folder is resolved inside the image; the name itself is not.)
        return candidates.filter {
            var st = stat()
            return lstat(RootPath.join(root, PathNames.folder(of: $0)) + "/" + PathNames.lastComponent(of: $0), &st) == 0
        }.sorted(by: NginxGlob.byteOrder)
    }
}

enum NginxGlob {
    static func byteOrder(_ a: String, _ b: String) -> Bool { Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8)) }

    /// fnmatch(3) with FNM_PATHNAME | FNM_PERIOD: `*`, `?` and `[...]` do not match `/`, and a
    /// leading `.` must be matched literally.
    static func matches(_ pattern: String, _ name: String) -> Bool {
        fnmatch(pattern, name, FNM_PATHNAME | FNM_PERIOD) == 0
    }
}
