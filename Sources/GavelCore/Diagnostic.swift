/// A problem found in user input, with a stable ID that tools and people can search for:
/// the one error type of the compiler, the snapshot and results readers, the collectors, the
/// fleet and the history store.
///
/// Rendered as `FILE:LINE:COL: error[ID]: message` (`FILE:LINE` or `FILE` when that is all
/// that is known, nothing when no file is at fault), followed by the source line and a caret.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Level: String, Sendable, Hashable { case error, warning, note }

    /// A line shown under the diagnostic: a hint, or another place in the input ("first
    /// defined at FILE:LINE:COL").
    public struct Note: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringInterpolation {
        public var message: String
        public var location: SourceLocation?

        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
        public init(stringLiteral value: String) { self.init(value) }

        /// "first defined at t.yaml:1:1", or "first used in t.yaml" when only the file is known.
        public var description: String {
            guard let location else { return message }
            return message + (location.knownLine == nil ? " in " : " at ") + location.description
        }
    }

    /// The ID as written: a `DiagnosticID`, or one a results document recorded.
    public var id: String
    public var level: Level
    public var message: String
    public var location: SourceLocation?
    /// Extra lines shown under the caret ("first defined here", hints).
    public var notes: [Note]

    public init(_ id: DiagnosticID, _ message: String, at location: SourceLocation? = nil, level: Level = .error, notes: [Note] = []) {
        self.id = id.rawValue
        self.level = level
        self.message = message
        self.location = location
        self.notes = notes
    }

    /// An input error as a results document recorded it (its ID as written then).
    public init(recordedID: String, _ message: String, at location: SourceLocation?) {
        self.id = recordedID
        self.level = .error
        self.message = message
        self.location = location
        self.notes = []
    }

    /// The catalog's ID, when it is one of today's.
    public var code: DiagnosticID? { DiagnosticID(rawValue: id) }

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
    public func error(_ id: DiagnosticID, _ message: String, at loc: SourceLocation?, notes: [Diagnostic.Note] = []) {
        add(Diagnostic(id, message, at: loc, notes: notes))
    }
    public var hasErrors: Bool { items.contains { $0.level == .error } }
    public var errorCount: Int { items.filter { $0.level == .error }.count }
}
