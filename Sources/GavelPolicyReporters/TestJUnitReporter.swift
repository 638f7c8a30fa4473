import GavelCore
import GavelEngine
import GavelReporters
import GavelResults

/// `gavel test --format junit`: a suite per policy test, a case per expected verdict.
public struct TestJUnitReporter: Sendable {
    public init() {}

    public func render(_ r: TestRunner.Report) -> String {
        var failed: [String: [TestRunner.Failure]] = [:]
        for f in r.failures { failed["\(f.test.location)|\(f.test.name)|\(f.rule)", default: []].append(f) }
        var suites = ""
        for t in r.testsRun {
            let failures = t.expect.filter { failed["\(t.location)|\(t.name)|\($0.rule)"] != nil }.count
            suites += "  <testsuite name=\"\(x(t.name))\" tests=\"\(t.expect.count)\" failures=\"\(failures)\" errors=\"0\" file=\"\(x(t.location.file))\">\n"
            for (rule, verdict) in t.expect {
                suites += "    <testcase classname=\"\(x(t.location.description))\" name=\"\(x(rule)) is \(verdict.rawValue)\""
                if let f = failed["\(t.location)|\(t.name)|\(rule)"]?.first {
                    var body = f.observed.message.map { $0 + "\n" } ?? ""
                    for e in f.observed.evidence.prefix(8) { body += "- \(e.sentence)\n" }
                    suites += ">\n      <failure type=\"expectation\" message=\"expected \(verdict.rawValue), got \(f.observed.verdict.rawValue)\">"
                    suites += x(body) + "</failure>\n    </testcase>\n"
                } else {
                    suites += "/>\n"
                }
            }
            suites += "  </testsuite>\n"
        }
        return
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gavel test\" tests=\"\(r.checks)\" failures=\"\(r.failures.count)\" errors=\"0\">\n"
            + suites + "</testsuites>\n"
    }

    private func x(_ s: String) -> String { XMLText.escape(s) }
}
