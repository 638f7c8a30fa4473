import ArgumentParser
import GavelCore

/// `--fail-on`, the same for `eval` and `diff`: a severity (rules at or above it decide the
/// exit code), or `none` (nothing does: the run's verdicts are reported, the exit code is 0
/// unless the input was bad).
enum FailOn: Equatable, ExpressibleByArgument, CustomStringConvertible {
    case none
    case atOrAbove(Severity)
    /// A word that is neither: kept until `check()`, which says what was meant.
    case unknown(String)

    init?(argument: String) {
        if argument == "none" { self = .none } else if let s = Severity(rawValue: argument) { self = .atOrAbove(s) } else { self = .unknown(argument) }
    }

    static let names = Severity.allCases.reversed().map(\.rawValue) + ["none"]

    /// From a command's `validate()`: a usage error, with "did you mean", for an unknown word.
    func check() throws {
        guard case .unknown(let word) = self else { return }
        throw ValidationError("--fail-on must be one of \(Self.names.joined(separator: ", ")) (got '\(word)')\(Suggest.hint(for: word, in: Self.names))")
    }

    var threshold: Severity? {
        if case .atOrAbove(let s) = self { return s }
        return nil
    }

    var description: String {
        switch self {
        case .none: return "none"
        case .atOrAbove(let s): return s.rawValue
        case .unknown(let w): return w
        }
    }
    var defaultValueDescription: String { description }
}
