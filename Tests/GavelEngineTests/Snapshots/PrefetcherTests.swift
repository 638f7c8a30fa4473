import Foundation
import XCTest

@testable import GavelEngine

/// The read-ahead thread stays within its window of the workers and stops when asked, even
/// while it waits for them.
final class PrefetcherTests: XCTestCase {
    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var taken = 0
        var seen: [Int] = []
        var tooFarAhead: [Int] = []
    }

    func testItNeverRunsMoreThanTheWindowAheadAndVisitsEveryUnitOnce() {
        let log = Log()
        let p = Prefetcher(count: 200, window: 8) { i in
            log.lock.withLock {
                log.seen.append(i)
                if i >= log.taken + 8 { log.tooFarAhead.append(i) }
            }
        }
        p.start()
        for i in 0..<200 {
            log.lock.withLock { log.taken = i + 1 }
            p.taken(i)
            if i % 16 == 0 { usleep(500) }
        }
        let deadline = Date().addingTimeInterval(10)
        while p.progress < 200 && Date() < deadline { usleep(1000) }
        p.finish()
        XCTAssertEqual(log.seen.sorted(), Array(0..<200))
        XCTAssertEqual(log.tooFarAhead, [])
    }

    func testFinishStopsItWhileItWaitsForTheWorkers() {
        let p = Prefetcher(count: 1000, window: 6, threads: 3) { _ in }
        p.start()
        let deadline = Date().addingTimeInterval(10)
        while p.progress < 6 && Date() < deadline { usleep(1000) }
        p.finish()
        XCTAssertEqual(p.progress, 6, "no worker took a unit, so it went no further than the window")
    }
}
