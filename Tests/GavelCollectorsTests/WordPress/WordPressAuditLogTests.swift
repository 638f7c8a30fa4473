import GavelCore
import XCTest

@testable import GavelCollectors

/// How long each audit-log plugin keeps events, from the options it stores.
final class WordPressAuditLogTests: XCTestCase {
    func testPeriods() {
        XCTAssertEqual(WordPressAuditLog.periodDays("6 months", defaultUnit: "months"), 180)
        XCTAssertEqual(WordPressAuditLog.periodDays("6", defaultUnit: "years"), 2190, "the unit option when the period has none")
        XCTAssertEqual(WordPressAuditLog.periodDays("2 weeks", defaultUnit: "months"), 14)
        XCTAssertEqual(WordPressAuditLog.periodDays("90 days", defaultUnit: "months"), 90)
        XCTAssertNil(WordPressAuditLog.periodDays("forever", defaultUnit: "months"))
        XCTAssertNil(WordPressAuditLog.periodDays("3 fortnights", defaultUnit: "months"))
    }

    func testEachPluginsRetention() {
        let none = WordPressAuditLog.summary(activeSlugs: ["akismet"], options: .object([Value.Member]()))
        XCTAssertEqual(none["plugins"], .array([]))
        XCTAssertEqual(none["retention_days"], .null)

        let wsalDefault = WordPressAuditLog.summary(activeSlugs: ["wp-security-audit-log"], options: .object([Value.Member]()))
        XCTAssertEqual(wsalDefault["keeps_forever"], true, "WP Activity Log prunes nothing until pruning is switched on")

        let wsal = WordPressAuditLog.summary(
            activeSlugs: ["wp-security-audit-log"],
            options: .object([("wsal_pruning-date-e", "yes"), ("wsal_pruning-date", "1"), ("wsal_pruning-unit", "years")]))
        XCTAssertEqual(wsal["retention_days"], 365)
        XCTAssertEqual(wsal["keeps_forever"], false)

        let streamDefault = WordPressAuditLog.summary(activeSlugs: ["stream"], options: .object([Value.Member]()))
        XCTAssertEqual(streamDefault["retention_days"], 30)
        let streamForever = WordPressAuditLog.summary(
            activeSlugs: ["stream"], options: .object([("wp_stream", .object([("general_keep_records_indefinitely", "1"), ("general_records_ttl", "30")]))]))
        XCTAssertEqual(streamForever["keeps_forever"], true)

        let both = WordPressAuditLog.summary(activeSlugs: ["simple-history", "stream"], options: .object([Value.Member]()))
        XCTAssertEqual(both["retention_days"], 60, "the longest of the active plugins")
        XCTAssertEqual(both["plugins"], .array(["stream", "simple-history"]))
    }
}
