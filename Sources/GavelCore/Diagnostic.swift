/// A problem found in user input, with a stable ID that tools and people can search for.
///
/// Rendered as `FILE:LINE:COL: error[ID]: message`, followed by the source line and a caret.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable { case error, warning, note }

    public var id: String
    public var level: Level
    public var message: String
    public var location: SourceLocation?
    /// Extra lines shown under the caret ("first defined here", hints).
    public var notes: [String]

    public init(_ id: DiagnosticID, _ message: String, at location: SourceLocation?, level: Level = .error, notes: [String] = []) {
        self.id = id.rawValue
        self.level = level
        self.message = message
        self.location = location
        self.notes = notes
    }

    /// The one-line form, without the source excerpt.
    public var description: String {
        let prefix = location.map { "\($0): " } ?? ""
        return "\(prefix)\(level.rawValue)[\(id)]: \(message)"
    }

    /// Sorts by file, then position, then ID, so output is stable run to run.
    public static func sorted(_ list: [Diagnostic]) -> [Diagnostic] {
        list.sorted { a, b in
            switch (a.location, b.location) {
            case let (x?, y?) where x != y: return x < y
            case (nil, _?): return true
            case (_?, nil): return false
            default: return (a.id, a.message) < (b.id, b.message)
            }
        }
    }
}

/// Collects diagnostics while a phase keeps going, so one run reports every error.
public final class DiagnosticBag: @unchecked Sendable {
    public private(set) var items: [Diagnostic] = []
    /// A diagnostic met twice (one mistake seen by two passes of the compiler) is reported once.
    private var seen: Set<Diagnostic> = []
    public init() {}
    public func add(_ d: Diagnostic) {
        if seen.insert(d).inserted { items.append(d) }
    }
    public func error(_ id: DiagnosticID, _ message: String, at loc: SourceLocation?, notes: [String] = []) {
        add(Diagnostic(id, message, at: loc, notes: notes))
    }
    public var hasErrors: Bool { items.contains { $0.level == .error } }
    public var errorCount: Int { items.filter { $0.level == .error }.count }
}
