import Dispatch
import Foundation
import GavelCore
import GavelResults

/// One asset's verdicts: `outcomes[i]` belongs to `program.enabledRules[i]`.
public struct AssetResult: Sendable {
    public var name: String
    public var snapshots: [SnapshotInfo]
    public var outcomes: [RuleOutcome]
}

public struct RunResult: Sendable {
    public var program: Program
    public var rules: [Rule]
    public var assets: [AssetResult]
    public var inputErrors: [Diagnostic]
    public var startedAt: Date
    public var finishedAt: Date
    public var bytesParsed: Int
    public var jobs: Int
    /// The plan's shard, and the names of all the fleet's assets when it has one.
    public var shard: Shard? = nil
    public var allAssets: [String]? = nil

    public var evaluatedSomething: Bool {
        assets.contains { $0.outcomes.contains { $0.verdict != .notApplicable } }
    }
}

/// Evaluates every unit of a plan on `jobs` worker threads. Each worker takes the next
/// unit, loads it, evaluates every enabled rule, keeps the compact outcomes and drops
/// the parsed documents, so memory is bounded by the units in flight.
public enum Runner {
    public static func run(_ program: Program, _ plan: SnapshotPlan, jobs: Int, readWhole: Bool = false) -> RunResult {
        run([program], plan, jobs: jobs, readWhole: readWhole)[0]
    }

    /// Evaluates several programs over the same snapshots, loading and parsing each snapshot
    /// once (`gavel diff`): result `i` belongs to `programs[i]`.
    /// `readWhole` builds every snapshot whole rather than what the rules read (for tests and
    /// benchmarks that compare the two).
    public static func run(_ programs: [Program], _ plan: SnapshotPlan, jobs: Int, readWhole: Bool = false) -> [RunResult] {
        let started = Date()

        let units = plan.units
        let slots = UnsafeMutableBufferPointer<Result<[AssetResult], Diagnostic>?>.allocate(capacity: units.count)
        slots.initialize(repeating: nil)
        defer { _ = slots.deinitialize(); slots.deallocate() }
        let next = Counter()
        let bytes = Counter()
        let box = SlotBox(slots: slots)
        // Units of a stream (`--snapshots -`) come after the listed ones, in the order read.
        let streamed = StreamedResults()
        let workers = max(1, plan.stream == nil ? min(jobs, units.count) : jobs)
        // Read-ahead of the next units' files, so a fleet not in the page cache does not
        // leave the workers waiting on the disk.
        let prefetcher = Prefetcher(count: units.count, window: 16 * workers) { units[$0].prefetch() }
        prefetcher.start()
        // Only what the rules read of each snapshot is built.
        let reading = readWhole ? nil : ReadSelection(programs)
        @Sendable func evaluate(_ unit: SnapshotUnit) -> Result<[AssetResult], Diagnostic> {
            switch unit.load(reading: reading) {
            case .failure(let e):
                return .failure(e)
            case .success(let asset) where plan.shard.map({ !$0.contains(asset.name) }) ?? false:
                return .failure(
                    Diagnostic(
                        .shardFolder,
                        "the snapshots in folder \(PathNames.lastComponent(of: PathNames.folder(of: asset.snapshots.first?.source ?? ""))) are of asset \"\(asset.name)\", which belongs to shard \(Shard.of(asset.name, count: plan.shard!.count))/\(plan.shard!.count): with --shard, name each asset's folder after it",
                        at: SourceLocation(file: asset.snapshots.first?.source ?? asset.name)))
            case .success(let asset):
                _ = bytes.increment(by: asset.snapshots.reduce(0) { $0 + $1.bytes })
                return .success(
                    programs.map { program in
                        AssetResult(name: asset.name, snapshots: asset.snapshots, outcomes: RuleEvaluator.evaluate(program, on: asset.view))
                    })
            }
        }
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment(by: 1)
                if i >= units.count { break }
                prefetcher.taken(i)
                box.slots[i] = evaluate(units[i])
            }
            guard let stream = plan.stream else { return }
            while let (asset, lines) = stream.nextGroup() {
                // A shard keeps the assets of its share; the others are read past, unparsed.
                let name = asset ?? ""
                streamed.saw(name)
                if let shard = plan.shard, !shard.contains(name) { continue }
                let order = streamed.reserve()
                streamed.put(order, evaluate(.lines(asset: asset, lines)))
            }
        }
        prefetcher.finish()
        var assets: [[AssetResult]] = Array(repeating: [], count: programs.count)
        var errors = plan.errors
        var seen: [String: String] = [:]
        for slot in Array(slots) + streamed.inOrder() {
            switch slot {
            case .success(let results)?:
                let a = results[0]
                if let other = seen[a.name] {
                    errors.append(
                        Diagnostic(
                            .duplicateAsset, "asset \"\(a.name)\" also has snapshots in \(other); only the first was evaluated",
                            at: SourceLocation(file: a.snapshots.first?.source ?? a.name)))
                    continue
                }
                seen[a.name] = a.snapshots.first?.source ?? a.name
                for (p, r) in results.enumerated() { assets[p].append(r) }
            case .failure(let e)?: errors.append(e)
            case nil: break
            }
        }
        let finished = Date()
        return programs.indices.map { p in
            RunResult(
                program: programs[p], rules: programs[p].enabledRules, assets: assets[p].sorted { $0.name < $1.name }, inputErrors: errors,
                startedAt: started, finishedAt: finished, bytesParsed: bytes.value, jobs: workers, shard: plan.shard,
                allAssets: plan.allAssets.map { $0 + streamed.names })
        }
    }
}

/// The results of streamed units, by the order their units were read in.
private final class StreamedResults: @unchecked Sendable {
    private var results: [Result<[AssetResult], Diagnostic>?] = []
    private let lock = NSLock()
    func reserve() -> Int {
        lock.lock(); defer { lock.unlock() }
        results.append(nil)
        return results.count - 1
    }
    func put(_ i: Int, _ r: Result<[AssetResult], Diagnostic>) {
        lock.lock(); defer { lock.unlock() }
        results[i] = r
    }
    func inOrder() -> [Result<[AssetResult], Diagnostic>?] { results }
    /// Every asset the stream named, evaluated here or not (a shard's waivers may name them).
    private(set) var names: [String] = []
    func saw(_ name: String) {
        lock.lock(); defer { lock.unlock() }
        names.append(name)
    }
}

private final class SlotBox: @unchecked Sendable {
    let slots: UnsafeMutableBufferPointer<Result<[AssetResult], Diagnostic>?>
    init(slots: UnsafeMutableBufferPointer<Result<[AssetResult], Diagnostic>?>) { self.slots = slots }
}

final class Counter: @unchecked Sendable {
    private var n = 0
    private let lock = NSLock()
    /// Returns the value before adding.
    func increment(by k: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        let v = n
        n += k
        return v
    }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
