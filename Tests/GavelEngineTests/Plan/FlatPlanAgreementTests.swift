import GavelCore
import GavelResults
import XCTest

@testable import GavelEngine

/// The flat pass-path evaluator must give the same truth as the tree evaluator, in both of
/// its modes, for every condition on every asset. Random policies and assets (seeded, so a
/// failure reproduces) exercise the corners: missing values and `missing:` policies, null,
/// int vs float, `as: bool` spellings, `as: int / bytes / duration` forms, `type`, non-ASCII
/// strings, scalars under `[*]`, nesting.
final class FlatPlanAgreementTests: XCTestCase {
    typealias RNG = SplitMix64

    static let scalarsYAML = [
        "\"On\"", "\"off\"", "\"yes\"", "\"\"", "\"1\"", "1", "0", "2.5", "1.0", "true", "false", "null", "\"abc\"", "\"é\"", "\"e\u{301}\"",
    ]
    static let scalarsJSON: [Value] = [
        .string("On"), .string("off"), .string("yes"), .string(""), .string("1"), .int(1), .int(0), .double(2.5),
        .double(1.0), .bool(true), .bool(false), .null, .string("abc"), .string("é"), .string("e\u{301}"),
        // for as: int / bytes / duration: plain forms the flat plan decides, and forms it leaves
        // to the general path (spaces, signs, fractions, compound durations, overflow)
        .string("128M"), .string("2k"), .string("7G"), .string("30"), .string("0012"), .string("90s"),
        .string("1h"), .string("3w"), .string(" 5 "), .string("+3"), .string("1.5"), .string("1h30m"),
        .string("500ms"), .string("99999999999999999999"), .string("9999999999G"), .string("m"),
        .int(-4), .double(3.0), .double(1e19), .int(4096),
    ]

    /// Strings for `as: lower` and the set operators: cases, non-ASCII (KELVIN SIGN is
    /// canonically equivalent to K), empty.
    static let tags = ["TLSv1.2", "tlsv1.3", "TLSv1", "deny", "DENY", "SameOrigin", "", "K", "\u{212A}", "é", "É"]

    func randomScalar(_ r: inout RNG) -> Value { r.pick(Self.scalarsJSON) }

    func randomAsset(_ r: inout RNG) -> Value {
        var php: [(String, Value)] = []
        for key in ["a", "b"] where r.int(5) > 0 { php.append((key, randomScalar(&r))) }
        func element() -> Value {
            var m: [(String, Value)] = []
            for key in ["x", "y"] where r.int(4) > 0 { m.append((key, randomScalar(&r))) }
            return .object(m)
        }
        if r.int(6) > 0 { php.append(("list", .array((0..<r.int(4)).map { _ in r.int(8) == 0 ? randomScalar(&r) : element() }))) }
        if r.int(6) > 0 { php.append(("obj", .object((0..<r.int(3)).map { ("k\($0)", element()) }))) }
        if r.int(4) > 0 { php.append(("tags", .array((0..<r.int(5)).map { _ in r.int(3) == 0 ? randomScalar(&r) : .string(r.pick(Self.tags)) }))) }
        return .object([("php", .object(php))])
    }

    func leaf(_ r: inout RNG, relative: Bool) -> String {
        let path = relative ? r.pick([".x", ".y", ".z"]) : r.pick(["php.a", "php.b", "php.list[0].x", "php.obj.k1.y", "php.none"])
        let value = r.pick(Self.scalarsYAML)
        var parts = ["path: \"\(path)\""]
        if !relative && r.int(4) == 0 {
            // length, the set operators and as: lower, on arrays, objects and strings
            let tag = { (r: inout RNG) in
                "\"\(r.pick(Self.tags).unicodeScalars.map { $0.isASCII ? String($0) : "\\u\(String(format: "%04X", $0.value))" }.joined())\""
            }
            let target = r.pick(["php.tags", "php.list", "php.obj", "php.a", "php.tags", "php.none", "php.tags[0]"])
            var parts = ["path: \"\(target)\""]
            switch r.int(5) {
            case 0: parts.append("length: { \(r.pick(["gte: 1", "equals: 0", "lt: 3", "equals: 2"])) }")
            case 1, 2:
                let op = r.pick(["subset_of", "superset_of", "disjoint_from"])
                let xs = (0..<r.int(4)).map { _ in r.int(4) == 0 ? r.pick(Self.scalarsYAML) : tag(&r) }
                parts.append("\(op): [\(xs.joined(separator: ", "))]")
            default:
                parts[0] = "path: \"\(r.pick(["php.tags[0]", "php.a", "php.tags[1]"]))\""
                parts.append("as: lower")
                parts.append(r.int(2) == 0 ? "equals: \(tag(&r))" : "\(r.pick(["in", "not_in"])): [\(tag(&r)), \(tag(&r))]")
            }
            if r.int(3) == 0 { parts.append("missing: \(r.pick(["pass", "fail"]))") }
            return "{ " + parts.joined(separator: ", ") + " }"
        }
        switch r.int(11) {
        case 0: parts.append("equals: \(value)")
        case 1: parts.append("not_equals: \(value)")
        case 2: parts.append("in: [\(value), \(r.pick(Self.scalarsYAML))]")
        case 3: parts.append("not_in: [\(value)]")
        case 4: parts.append(r.pick(["gt: 0", "lte: 1", "equals: 1", "gte: 2.5"]).replacingOccurrences(of: "equals: 1", with: "equals: 1.0"))
        case 5: parts.append("exists: \(r.int(2) == 0)")
        case 6: parts.append("as: bool"); parts.append("equals: \(r.int(2) == 0)")
        case 7: parts.append("as: bool"); parts.append("in: [\(r.int(2) == 0)]")
        case 8:
            parts.append("as: \(r.pick(["int", "bytes", "duration"]))")
            parts.append(r.pick(["gt: 0", "lte: 30", "gte: 2048", "lt: 3600", "gt: 1000000"]))
        case 9: parts.append("type: \"\(r.pick(["string", "number", "bool", "array", "object", "null"]))\"")
        default: parts.append("matches: \"^[oO]\"")
        }
        if !parts[1].hasPrefix("exists"), r.int(3) == 0 { parts.append("missing: \(r.pick(["pass", "fail"]))") }
        return "{ " + parts.joined(separator: ", ") + " }"
    }

    func cond(_ r: inout RNG, depth: Int, relative: Bool) -> String {
        if depth == 0 { return leaf(&r, relative: relative) }
        switch r.int(7) {
        case 0, 1: return leaf(&r, relative: relative)
        case 2: return "{ not: \(cond(&r, depth: depth - 1, relative: relative)) }"
        case 3, 4:
            let op = r.pick(["all", "any", "none"])
            let xs = (0..<(1 + r.int(3))).map { _ in cond(&r, depth: depth - 1, relative: relative) }
            return "{ \(op): [\(xs.joined(separator: ", "))] }"
        default:
            if relative { return leaf(&r, relative: true) }
            let path = r.pick(["php.list[*]", "php.obj[*]", "php.a[*]", "php.none[*]", "php.list[*]"])
            var parts = ["path: \"\(path)\""]
            if r.int(2) == 0 { parts.append("where: \(cond(&r, depth: depth - 1, relative: true))") }
            if r.int(4) == 0 { parts.append("missing: \(r.pick(["pass", "fail"]))") }
            switch r.int(3) {
            case 0: return "{ count: { \(parts.joined(separator: ", ")), \(r.pick(["gte: 1", "equals: 0", "lt: 2"])) } }"
            default:
                parts.append("check: \(cond(&r, depth: depth - 1, relative: true))")
                return "{ \(r.pick(["every", "some"])): { \(parts.joined(separator: ", ")) } }"
            }
        }
    }

    func testFlatPlanAgreesWithTree() throws {
        var r = RNG(seed: 20261122)
        var rules: [String] = []
        for i in 0..<400 {
            rules.append(
                """
                  - id: R\(i)
                    title: random \(i)
                    severity: low
                    controls: [t:C1]
                    check: \(cond(&r, depth: 3, relative: false))
                    remediation: { summary: none }
                """)
        }
        let text = "gavel: policy/v1\nid: random\nkind: php\nrules:\n" + rules.joined(separator: "\n")
        let out = compile(["p.yaml": text], schemaless: true)
        let program = try XCTUnwrap(out.program, out.errors.map(\.description).joined(separator: "\n"))
        // Every flat leaf form is generated (else agreement says nothing about it).
        var forms: Set<String> = []
        for rule in program.rules {
            for op in rule.plan.leafOps { forms.insert("\(op.code.rawValue)/\(op.coercion.rawValue)") }
        }
        for form in ["0/0", "1/0", "1/1", "1/2", "2/0", "2/3", "2/4", "2/5", "4/0", "5/0", "7/0", "8/0", "9/0", "10/0"] {
            XCTAssertTrue(forms.contains(form), "no leaf of flat form \(form) in \(forms.sorted())")
        }
        var checked = 0, recorded = 0, outcomes: [Truth: Int] = [:]
        for _ in 0..<60 {
            let view = AssetView(name: "a", merged: randomAsset(&r))
            for rule in program.rules {
                let fast = PlanEvaluator(plan: rule.plan, asset: view).eval(rule.plan.entries[0].check, nil)
                var tree = ReferenceEvaluator(asset: view)
                let quick = tree.eval(rule.check)
                let (full, ev) = tree.record(rule.check)
                XCTAssertEqual(fast, quick, "\(rule.id) on \(view.name)")
                XCTAssertEqual(quick, full, "\(rule.id): evidence mode")
                // The evidence recorder, which follows the plan (deciding quantifier elements on
                // it first): the same truth and the same records, in the same order.
                var recorder = EvidenceRecorder(asset: view, plan: rule.plan)
                let (recordedTruth, records) = recorder.record(rule.check, node: rule.plan.entries[0].check)
                XCTAssertEqual(recordedTruth, full, "\(rule.id): evidence mode with the plan")
                XCTAssertEqual(records.map { render(recorder.evidence($0)) }, ev.map { render(tree.evidence($0)) }, "\(rule.id): records")
                if !ev.isEmpty { recorded += 1 }
                checked += 1
                outcomes[fast, default: 0] += 1
            }
        }
        XCTAssertEqual(checked, 24000)
        XCTAssertGreaterThan(recorded, 10000, "evaluations that recorded evidence")
        // The generator must reach all three truth values often, or the test proves little.
        for t in [Truth.yes, .no, .unknown] { XCTAssertGreaterThan(outcomes[t] ?? 0, 2000, "\(t)") }
    }

    /// The recorder follows the plan by node index; debug builds check at each node that the
    /// tree and the plan agree, so an index that drifted cannot record another condition.
    func testTheShapeCheckTellsATreeFromAnotherPlan() throws {
        let out = compile(
            [
                "p.yaml": """
                gavel: policy/v1
                id: p
                kind: php
                rules:
                  - { id: A, title: a, severity: low, controls: [t:C1], check: { all: [{ path: php.ini.a, equals: "1" }, { path: php.ini.b, exists: true }] } }
                  - { id: B, title: b, severity: low, controls: [t:C1], check: { any: [{ path: php.ini.a, equals: "1" }, { path: php.ini.b, exists: true }] } }
                  - { id: C, title: c, severity: low, controls: [t:C1], check: { path: php.ini.a, equals: "1" } }
                """
            ], schemaless: true)
        let rules = try XCTUnwrap(out.program?.rules, "\(out.errors)")
        for r in rules { XCTAssertTrue(Evaluator.sameShape(r.check, r.plan.entries[0].check, r.plan), r.id) }
        // Same leaves, another combinator; a leaf that is not the plan's own.
        XCTAssertFalse(Evaluator.sameShape(rules[0].check, rules[1].plan.entries[0].check, rules[1].plan))
        XCTAssertFalse(Evaluator.sameShape(rules[2].check, rules[0].plan.entries[0].check, rules[0].plan))
        let ownLeaf = rules[0].plan.kids[Int(rules[0].plan.nodes[Int(rules[0].plan.entries[0].check)].a)]
        XCTAssertFalse(Evaluator.sameShape(rules[2].check, ownLeaf, rules[0].plan), "an equal leaf of another rule")
    }

    private func render(_ e: Evidence) -> String {
        "\(e.path) | \(e.sentence) | \(e.provenance ?? "-")"
    }

    /// Strings equal only under Unicode canonical equivalence (KELVIN SIGN and K, é composed
    /// and decomposed), and lengths counted in scalars, not bytes: the flat plan must leave
    /// what it cannot compare byte by byte to the general path, and agree with it.
    func testUnicodeEquivalenceAndLengthsAgree() throws {
        let cases: [(String, Truth)] = [
            ("{ path: php.tags, superset_of: [\"K\"] }", .yes),
            ("{ path: php.tags, superset_of: [\"e\\u0301\"] }", .yes),
            ("{ path: php.tags, subset_of: [\"K\", \"e\\u0301\"] }", .yes),
            ("{ path: php.tags, disjoint_from: [\"K\"] }", .no),
            ("{ path: php.tags, disjoint_from: [\"k\", \"e\"] }", .yes),
            ("{ path: \"php.tags[0]\", equals: \"K\" }", .yes),
            ("{ path: \"php.tags[0]\", as: lower, equals: \"k\" }", .yes),  // KELVIN SIGN lower-cases to k
            ("{ path: php.word, as: lower, in: [\"k\", \"deny\"] }", .yes),
            ("{ path: php.word, as: lower, equals: \"DENY\" }", .no),
            ("{ path: \"php.tags[1]\", length: { equals: 1 } }", .yes),
            ("{ path: php.decomposed, length: { equals: 2 } }", .yes),
            ("{ path: php.tags, length: { equals: 2 } }", .yes),
            ("{ path: php.word, length: { equals: 4 } }", .yes),
        ]
        let asset = Value.object([
            (
                "php",
                .object([
                    ("tags", .array([.string("\u{212A}"), .string("\u{E9}")])), ("word", .string("DeNy")),
                    ("decomposed", .string("e\u{301}")),
                ])
            )
        ])
        let view = AssetView(name: "a", merged: asset)
        for (check, want) in cases {
            let out = compile(
                ["p.yaml": "gavel: policy/v1\nid: p\nkind: php\nrules:\n  - { id: R, title: r, severity: low, controls: [t:C1], check: \(check) }\n"],
                schemaless: true)
            let rule = try XCTUnwrap(out.program?.rules.first, "\(check): \(out.errors)")
            var tree = ReferenceEvaluator(asset: view)
            XCTAssertEqual(tree.eval(rule.check), want, "tree: \(check)")
            XCTAssertEqual(PlanEvaluator(plan: rule.plan, asset: view).eval(rule.plan.entries[0].check, nil), want, "flat: \(check)")
        }
    }

    /// `as: int / bytes / duration` with a number test, at the exact boundary: for every value
    /// the general coercion turns into a number n, `gte: n` passes and `gt: n` fails on the
    /// flat plan as on the tree, whichever of the two decides it.
    func testCoercedNumbersAgreeAtTheBoundary() throws {
        var r = RNG(seed: 7)
        var texts = [
            "0", "7", "0012", "128M", "2k", "2K", "3m", "1G", "1g", "90s", "15m", "2h", "1d", "3w", "1h30m", "500ms",
            " 5 ", "+3", "999999999G", "123456789012345", "1234567890123456", "999999999999w",
        ]
        for _ in 0..<40 {
            let digits = String((0..<(1 + r.int(16))).map { _ in Character(String(r.int(10))) })
            texts.append(digits + r.pick(["", "", "k", "M", "g", "s", "m", "h", "d", "w"]))
        }
        var checked = 0
        for coercion in [Coercion.int, .bytes, .duration] {
            for text in texts {
                guard case .success(let v) = coercion.apply(.string(text)), let n = v.number else { continue }
                let operand = n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : "\(n)"
                for (test, want) in [("gte", Truth.yes), ("gt", .no)] {
                    let check = "{ path: php.ini.v, as: \(coercion.rawValue), \(test): \(operand) }"
                    let out = compile(
                        ["p.yaml": "gavel: policy/v1\nid: p\nkind: php\nrules:\n  - { id: R, title: r, severity: low, controls: [t:C1], check: \(check) }\n"],
                        schemaless: true)
                    let rule = try XCTUnwrap(out.program?.rules.first, "\(check): \(out.errors)")
                    let view = AssetView(name: "a", merged: .object([("php", .object([("ini", .object([("v", .string(text))]))]))]))
                    var tree = ReferenceEvaluator(asset: view)
                    XCTAssertEqual(PlanEvaluator(plan: rule.plan, asset: view).eval(rule.plan.entries[0].check, nil), want, "flat: \(text) \(check)")
                    XCTAssertEqual(tree.eval(rule.check), want, "tree: \(text) \(check)")
                    checked += 1
                }
            }
        }
        XCTAssertGreaterThan(checked, 100)
    }

    /// Version comparisons with a plain operand: the flat plan compares plain versions part by
    /// part and leaves other forms to `VersionCompare`; both must order as PHP does.
    func testVersionComparisonsAgree() throws {
        var r = RNG(seed: 11)
        var values = [
            "12", "8.2", "8.2.0", "8.2.7", "8.10", "08.2", "8.2.", ".8", "1..2", "1.0rc1", "8.2-dev", "v8", "",
            "99999999999999999999", "8.2.99999999999999999999", "1.2.3.4.5",
        ]
        for _ in 0..<60 {
            values.append((0..<(1 + r.int(4))).map { _ in String(r.int(r.int(2) == 0 ? 12 : 1000)) }.joined(separator: "."))
        }
        let operands = ["8.2", "12", "8.2.0", "0", "8.10.1", "1.2.3.4"]
        var rules: [String] = []
        for (i, operand) in operands.enumerated() {
            for (j, op) in ["version_lt", "version_lte", "version_gt", "version_gte", "version_equals"].enumerated() {
                rules.append("  - { id: R\(i)-\(j), title: r, severity: low, controls: [t:C1], check: { path: php.ini.v, \(op): \"\(operand)\" } }")
            }
        }
        let out = compile(["p.yaml": "gavel: policy/v1\nid: p\nkind: php\nrules:\n" + rules.joined(separator: "\n") + "\n"], schemaless: true)
        let program = try XCTUnwrap(out.program, "\(out.errors)")
        for value in values {
            let view = AssetView(name: "a", merged: .object([("php", .object([("ini", .object([("v", .string(value))]))]))]))
            for rule in program.rules {
                guard case .leaf(let leaf) = rule.check, case .version(let relation, let operand) = leaf.op else { return XCTFail("not a version leaf") }
                let c = VersionCompare.compare(value, operand)
                let want: Bool
                switch relation {
                case .lt: want = c < 0
                case .lte: want = c <= 0
                case .gt: want = c > 0
                case .gte: want = c >= 0
                case .equals: want = c == 0
                }
                let fast = PlanEvaluator(plan: rule.plan, asset: view).eval(rule.plan.entries[0].check, nil)
                XCTAssertEqual(fast, want ? .yes : .no, "\(value) \(relation.rawValue) \(operand)")
            }
        }
    }
}
