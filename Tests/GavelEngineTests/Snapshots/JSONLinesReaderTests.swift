import Foundation
import XCTest

@testable import GavelEngine

/// JSON Lines read as a stream: an asset's consecutive lines are one group, handed out
/// before the rest of the stream is read, with their line numbers.
final class JSONLinesReaderTests: XCTestCase {
    /// A stream that hands out `text` `block` bytes at a time, and counts the reads.
    final class Source: @unchecked Sendable {
        let bytes: [UInt8]
        let block: Int
        var at = 0
        var reads = 0
        init(_ text: String, block: Int) {
            bytes = Array(text.utf8)
            self.block = block
        }
        func read(_ buf: UnsafeMutableRawBufferPointer) -> Int {
            reads += 1
            let n = min(block, buf.count, bytes.count - at)
            for i in 0..<n { buf[i] = bytes[at + i] }
            at += n
            return n
        }
    }

    func line(_ asset: String, _ kind: String) -> String {
        #"{"gavel": "snapshot/v1", "asset": "\#(asset)", "kind": "\#(kind)", "data": {}}"#
    }

    func testConsecutiveLinesOfAnAssetAreOneGroup() {
        let text = [
            line("a", "php"), line("a", "nginx"), "", "  ", line("b", "php"), line("a", "hosting"), #"{"gavel": "snapshot/v1", "asset": "c\u0064"}"#,
            line("d", "php"),
        ]
        .joined(separator: "\n")
        for block in [1, 7, 1 << 20] {
            let source = Source(text, block: block)
            let reader = JSONLinesReader(read: source.read)
            var groups: [[Int]] = []
            while let g = reader.nextGroup() { groups.append(g.lines.map(\.number)) }
            // a (lines 1-2), b, a again (reported later as a duplicate), the escaped asset
            // alone, d (no newline at the end).
            XCTAssertEqual(groups, [[1, 2], [5], [6], [7], [8]], "blocks of \(block)")
        }
    }

    func testAGroupIsHandedOutBeforeTheRestIsRead() {
        let text = (0..<200).map { line("asset-\($0 / 2)", $0 % 2 == 0 ? "php" : "nginx") }.joined(separator: "\n") + "\n"
        let source = Source(text, block: 100)
        let reader = JSONLinesReader(read: source.read)
        let first = reader.nextGroup()
        XCTAssertEqual(first?.lines.count, 2)
        XCTAssertEqual(first?.asset, "asset-0")
        XCTAssertLessThan(source.at, 600, "read up to the third line only, not the whole stream")
        var n = 1
        while reader.nextGroup() != nil { n += 1 }
        XCTAssertEqual(n, 100)
    }

    func testAnAssetWhoseLinesComeApartIsADuplicate() {
        let text = [line("a", "php"), line("b", "php"), line("a", "nginx")].joined(separator: "\n")
        let source = Source(text, block: 1 << 20)
        var plan = SnapshotPlan.make(["-"], stream: source.read)
        plan.errors = []
        let program = compile(["p.yaml": policy("path: php.ini.x\nexists: false")]).program!
        let run = Runner.run(program, plan, jobs: 2)
        XCTAssertEqual(run.assets.map(\.name), ["a", "b"])
        XCTAssertEqual(run.inputErrors.map(\.id), ["duplicate-asset"])
        XCTAssertTrue(run.inputErrors[0].message.contains("asset \"a\" also has snapshots in <stdin>"), run.inputErrors[0].message)
    }
}
