import GavelCore

/// The written part of a path, named once when the policy is compiled: what evidence needs
/// to name a value it read, apart from the element indices a quantifier adds in front.
///
/// A leaf `hosting.sshd.settings.passwordauthentication` that fails on a thousand assets
/// names the same path a thousand times; its display text and the JSON Pointer its
/// provenance is looked up by are worked out here, not per record.
final class PathTail: Sendable {
    /// The steps before the first `[*]` (all of them in a leaf path).
    let parts: [Evaluator.PathPart]
    /// Those steps in the language's syntax, after the kind or element: `.sshd."a.b"[2]`.
    let display: String
    /// The same steps as JSON Pointer tokens: `/sshd/a.b/2`.
    let pointer: [UInt8]
    /// For a path from a kind, the kind's index and the whole display text
    /// (`hosting.sshd.settings.permitrootlogin`): what a leaf outside any quantifier names
    /// on every asset where it fails.
    let kind: Int?
    let rooted: String?

    init(_ steps: [CompiledPath.Step], kind: Int?) {
        var parts: [Evaluator.PathPart] = []
        written: for step in steps {
            switch step {
            case .key(let k): parts.append(.key(k.text))
            case .index(let i): parts.append(.index(i))
            case .wildcard: break written
            }
        }
        self.parts = parts
        var display = ""
        PathTail.appendDisplay(parts, to: &display)
        self.display = display
        self.kind = kind
        rooted = kind.map { SnapshotKinds.known[$0] + display }
        var pointer: [UInt8] = []
        PathTail.appendPointer(parts, to: &pointer)
        self.pointer = pointer
    }

    static func appendDisplay(_ parts: [Evaluator.PathPart], to s: inout String) {
        for p in parts {
            switch p {
            case .index(let i):
                s += "["
                s += String(i)
                s += "]"
            case .key(let k):
                if isPlainKey(k) {
                    s += "."
                    s += k
                } else {
                    s += ".\""
                    for ch in k.unicodeScalars { if ch == "\"" || ch == "\\" { s += "\\" }; s.unicodeScalars.append(ch) }
                    s += "\""
                }
            }
        }
    }

    static func appendPointer(_ parts: [Evaluator.PathPart], to pointer: inout [UInt8]) {
        for p in parts {
            pointer.append(UInt8(ascii: "/"))
            switch p {
            case .index(let i): pointer.append(contentsOf: String(i).utf8)
            case .key(let k): pointer.append(contentsOf: JSONPointer.escape(k).utf8)
            }
        }
    }

    /// An identifier key (`[A-Za-z_][A-Za-z0-9_-]*`) needs no quotes in a path. ASCII checks only.
    static func isPlainKey(_ k: String) -> Bool {
        var first = true
        for b in k.utf8 {
            let letter = (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95
            let digitOrDash = (b >= 48 && b <= 57) || b == 45
            if !(letter || (!first && digitOrDash)) { return false }
            first = false
        }
        return !first
    }
}
