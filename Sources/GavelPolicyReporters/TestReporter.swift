import GavelCore
import GavelEngine
import GavelReporters
import GavelResults

/// Output of `gavel test`: each failing expectation with the observed verdict and evidence,
/// then the coverage of rules by passing and failing tests.
public struct TestReporter: Sendable {
    public var style: Style
    public init(style: Style) { self.style = style }

    public func render(_ r: TestRunner.Report, coverage: Bool) -> String {
        var out = ""
        for f in r.failures {
            out +=
                "\(style.red("FAIL")) \(f.test.location): test '\(f.test.name)': \(f.rule) expected \(f.expected.rawValue), got \(f.observed.verdict.rawValue)\n"
            if let m = f.observed.message { out += "     \(m)\n" }
            for e in f.observed.evidence.prefix(8) {
                out += "     - \(e.sentence) [\(e.result.word)]\n"
            }
        }
        let passedChecks = r.checks - r.failures.count
        out += "\(r.tests) tests, \(r.checks) expectations: \(passedChecks) passed, \(r.failures.count) failed\n"
        if coverage || r.hasCoverageGap {
            if r.hasCoverageGap {
                out += "coverage gaps:\n"
                for id in Set(r.lackingPass + r.lackingFail).sorted() {
                    var missing: [String] = []
                    if r.lackingPass.contains(id) { missing.append("no test makes it pass") }
                    if r.lackingFail.contains(id) { missing.append("no test makes it fail") }
                    out += "  \(id): \(missing.joined(separator: ", "))\n"
                }
            } else {
                out += "coverage: every rule has a passing and a failing test\n"
            }
        }
        return out
    }
}
