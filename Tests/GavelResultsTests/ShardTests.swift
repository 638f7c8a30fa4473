import XCTest

@testable import GavelResults

/// An asset's shard is a function of its name alone, the same on every machine (the values
/// below are from Python's hashlib: sha256(name)[:8] big-endian, mod N, plus one).
final class ShardTests: XCTestCase {
    func testTheShareIsTheNamesSHA256() {
        XCTAssertEqual(Shard.of("clinic-a.example.com", count: 4), 3)
        XCTAssertEqual(Shard.of("clinic-a.example.com", count: 7), 3)
        XCTAssertEqual(Shard.of("site-42", count: 4), 3)
        XCTAssertEqual(Shard.of("site-42", count: 7), 1)
        XCTAssertEqual(Shard.of("x", count: 4), 1)
        XCTAssertEqual(Shard.of("x", count: 7), 2)
        XCTAssertTrue(Shard(index: 3, count: 4).contains("site-42"))
        XCTAssertEqual(Shard.of("anything", count: 1), 1)
    }

    func testSharesAreEvenAndStableWhenTheFleetGrows() {
        let fleet = (0..<4000).map { "site-\($0).example.com" }
        var sizes = [Int](repeating: 0, count: 5)
        for a in fleet { sizes[Shard.of(a, count: 4)] += 1 }
        for i in 1...4 { XCTAssertTrue((900...1100).contains(sizes[i]), "shard \(i) has \(sizes[i]) of 4000") }
        // Each asset's shard is its own: listing more assets moves none.
        let before = fleet.prefix(100).map { Shard.of($0, count: 4) }
        let grown = (fleet + (0..<500).map { "new-\($0)" }).prefix(100).map { Shard.of($0, count: 4) }
        XCTAssertEqual(before, grown)
    }

    func testOnlyIOverNIsAShard() {
        XCTAssertEqual(Shard("2/4"), Shard(index: 2, count: 4))
        for bad in ["0/4", "5/4", "2", "2/", "/4", "a/b", "-1/4", "2/4/1", "1/0", ""] { XCTAssertNil(Shard(bad), bad) }
    }
}
