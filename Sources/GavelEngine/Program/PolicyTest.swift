import GavelCore
import GavelJSON

/// A test from `tests/v1` or a policy file's `tests:`.
public struct PolicyTest: Sendable {
    public var name: String
    public var asset: Value
    /// Per kind, the parts the test's collector "could not read" (JSON Pointer, reason).
    public var unavailable: [String: [(pointer: String, reason: String)]] = [:]
    public var expect: [(rule: String, verdict: Verdict)]
    public var location: SourceLocation
}
