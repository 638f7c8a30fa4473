import GavelCore

/// For every framework catalog, how each control is covered: by automated rules, by
/// attestations (manual controls), or not at all (`gavel coverage`, and the report).
public struct ControlCoverage: Sendable {
    public enum Kind: String, Sendable { case automated, manual, neither }

    public struct Entry: Sendable {
        public var ref: ControlRef
        public var title: String
        public var kind: Kind
        /// Enabled rules mapped to it (automated controls).
        public var rules: [String]
        /// For manual controls: the attestation in force (lasting longest), if any.
        public var attestation: Attestation?
        /// Manual and not attested on the day, or neither automated nor manual.
        public var isGap: Bool { kind == .neither || (kind == .manual && attestation == nil) }

        public init(ref: ControlRef, title: String, kind: Kind, rules: [String], attestation: Attestation?) {
            self.ref = ref
            self.title = title
            self.kind = kind
            self.rules = rules
            self.attestation = attestation
        }
    }

    public struct Framework: Sendable {
        public var framework: String
        public var title: String
        public var controls: [Entry]
        public func count(_ k: Kind) -> Int { controls.filter { $0.kind == k }.count }
        public var attested: Int { controls.filter { $0.kind == .manual && $0.attestation != nil }.count }

        public init(framework: String, title: String, controls: [Entry]) {
            self.framework = framework
            self.title = title
            self.controls = controls
        }
    }

    public var asOf: Day
    public var frameworks: [Framework]

    public init(asOf: Day, frameworks: [Framework]) {
        self.asOf = asOf
        self.frameworks = frameworks
    }

    public var gaps: Int { frameworks.reduce(0) { $0 + $1.controls.filter(\.isGap).count } }
}

extension ControlCoverage.Framework {
    /// One framework as written in coverage/v1 and in a results document's `coverage`.
    public var value: Value {
        .object([
            ("framework", .string(framework)), ("title", .string(title)),
            ("automated", .int(Int64(count(.automated)))), ("manual", .int(Int64(count(.manual)))),
            ("attested", .int(Int64(attested))), ("neither", .int(Int64(count(.neither)))),
            (
                "controls",
                .array(
                    controls.map { e in
                        .object([
                            ("control", .string(e.ref.id)), ("title", .string(e.title)), ("covered_by", .string(e.kind.rawValue)),
                            ("rules", .array(e.rules.map { .string($0) })),
                            (
                                "attestation",
                                e.attestation.map { a in
                                    .object([
                                        ("attested_by", .string(a.attestedBy)), ("date", .string(a.date.description)),
                                        ("expires", a.expires.map { .string($0.description) } ?? .null), ("source", .string(a.location.description)),
                                    ])
                                } ?? .null
                            ),
                        ])
                    })
            ),
        ])
    }
}
