import Foundation
import XCTest

@testable import GavelCore

final class TimestampTests: XCTestCase {
    func testFormatsWholeMillisecondsInUTC() {
        XCTAssertEqual(Timestamp.string(Date(timeIntervalSince1970: 0)), "1970-01-01T00:00:00.000Z")
        XCTAssertEqual(Timestamp.string(Date(timeIntervalSince1970: 1_795_395_600.1237)), "2026-11-23T01:00:00.124Z")
        XCTAssertEqual(Timestamp.string(Date(timeIntervalSince1970: -0.5)), "1969-12-31T23:59:59.500Z")
    }

    func testParsingIsTheExactInverse() {
        for ms: Int64 in [0, 1, 999, 1_795_395_600_123, 1_795_489_199_999, 951_782_400_000] {
            let text = Timestamp.string(Timestamp.date(milliseconds: ms))
            XCTAssertEqual(Timestamp.parse(text).map(Timestamp.milliseconds), ms, text)
            XCTAssertEqual(Timestamp.string(Timestamp.parse(text)!), text)
        }
        XCTAssertEqual(Timestamp.parse("2026-11-23T01:00:00Z").map(Timestamp.milliseconds), 1_795_395_600_000)
        XCTAssertEqual(Timestamp.parse("2026-11-23T01:00:00.5+00:00").map(Timestamp.milliseconds), 1_795_395_600_500)
    }

    func testRejectsWhatIsNotAUTCTimestamp() {
        for bad in [
            "2026-11-23", "2026-11-23T01:00:00", "2026-11-23T01:00:00+01:00", "2026-02-30T00:00:00Z", "2026-11-23T24:00:00Z",
            "2026-11-23T1:00:00Z", "2026-11-23T01:00:00.Z", "2026-11-23T01:00:00.1a2Z", "yesterday",
        ] {
            XCTAssertNil(Timestamp.parse(bad), bad)
        }
    }

    func testRFC3339TimesWithAnyOffset() {
        for good in [
            "2026-11-21T02:00:04Z", "2026-11-21T02:00:04.5Z", "2026-11-21T02:00:04+00:00", "2026-11-21T03:00:04+01:00",
            "2026-11-20T21:00:04-05:00", "2026-11-21T02:00:04.123+23:59", "2024-02-29T00:00:00Z", "2026-11-21t02:00:04z",
        ] {
            XCTAssertTrue(Timestamp.isRFC3339(good), good)
        }
        for bad in [
            "yesterday", "2026-11-21", "2026-11-21T02:00:04", "2026-11-21T02:00:04+24:00", "2026-11-21T02:00:04+01:60",
            "2026-11-21T02:00:04+1:00", "2026-02-30T00:00:00+01:00", "2026-11-21T02:00+01:00", "", "2025-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z", "2026-11-21T02:00:04.Z", "2026-11-21T02:00:04Zx", "2026-11-21 02:00:04Z", "2026-00-10T00:00:00Z",
            "2026-11-21T02:00:04+01:00 ",
        ] {
            XCTAssertFalse(Timestamp.isRFC3339(bad), bad)
        }
    }
}
