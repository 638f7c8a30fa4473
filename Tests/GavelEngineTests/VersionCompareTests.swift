import XCTest

@testable import GavelEngine

/// Expected values are what PHP's version_compare() returns for the same pairs.
final class VersionCompareTests: XCTestCase {
    func c(_ a: String, _ b: String) -> Int { VersionCompare.compare(a, b) }

    func testNumericParts() {
        XCTAssertEqual(c("1.0", "1.0"), 0)
        XCTAssertEqual(c("1.10", "1.9"), 1)
        XCTAssertEqual(c("6.4.2", "6.4.10"), -1)
        XCTAssertEqual(c("1.0", "1.0.0"), -1)
        XCTAssertEqual(c("8.1", "8.1.0"), -1)
    }

    func testSpecialForms() {
        XCTAssertEqual(c("1.0-dev", "1.0alpha"), -1)
        XCTAssertEqual(c("1.0alpha", "1.0beta"), -1)
        XCTAssertEqual(c("1.0a1", "1.0b1"), -1)
        XCTAssertEqual(c("1.0beta", "1.0RC1"), -1)
        XCTAssertEqual(c("1.0rc1", "1.0"), -1)
        XCTAssertEqual(c("1.0RC1", "1.0rc1"), 0)
        XCTAssertEqual(c("1.0", "1.0pl1"), -1)
        XCTAssertEqual(c("1.0pl1", "1.0p1"), 0)
        XCTAssertEqual(c("1.0.0", "1.0rc1"), 1)
        XCTAssertEqual(c("1.0-dev", "1.0"), -1)
        XCTAssertEqual(c("5.3.2-rc.1", "5.3.2"), -1)
    }

    func testSeparatorsAndEmpty() {
        XCTAssertEqual(c("1-0", "1.0"), 0)
        XCTAssertEqual(c("1_0", "1+0"), 0)
        XCTAssertEqual(c("", ""), 0)
        XCTAssertEqual(c("", "1"), -1)
        XCTAssertEqual(c("1", ""), 1)
        XCTAssertEqual(c("1.0.", "1.0"), -1)
    }

    func testUnknownWordsSortBeforeDev() {
        XCTAssertEqual(c("1.0foo", "1.0dev"), -1)
        XCTAssertEqual(c("1.0patch1", "1.0"), 1)  // "patch" starts with "p", which PHP reads as pl
    }

    func testRanges() {
        let r = VersionRange(">=2.0 <2.4.1")!
        XCTAssertTrue(r.contains("2.0"))
        XCTAssertTrue(r.contains("2.4.0"))
        XCTAssertFalse(r.contains("2.4.1"))
        XCTAssertFalse(r.contains("1.9.9"))
        XCTAssertTrue(VersionRange("<5.3.2")!.contains("5.3.2-rc1"))
        XCTAssertTrue(VersionRange("*")!.contains("0.1"))
        XCTAssertTrue(VersionRange("<1.0 || >=3.0")!.contains("3.1"))
        XCTAssertNil(VersionRange("<= "))
        XCTAssertNil(VersionRange("banana"))
    }
}
