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
    public static func run(_ program: Program, _ plan: SnapshotPlan, jobs: Int) -> RunResult {
        run([program], plan, jobs: jobs)[0]
    }

    /// Evaluates several programs over the same snapshots, loading and parsing each snapshot
    /// once (`gavel diff`): result `i` belongs to `programs[i]`.
    public static func run(_ programs: [Program], _ plan: SnapshotPlan, jobs: Int) -> [RunResult] {
        let started = Date()

        let units = plan.units
        let slots = UnsafeMutableBufferPointer<Result<[AssetResult], Diagnostic>?>.allocate(capacity: units.count)
        slots.initialize(repeating: nil)
        defer { _ = slots.deinitialize(); slots.deallocate() }
        let next = Counter()
        let bytes = Counter()
        let box = SlotBox(slots: slots)
        let workers = max(1, min(jobs, units.count))
        // Read-ahead of the next units' files, so a fleet not in the page cache does not
        // leave the workers waiting on the disk.
        let prefetcher = Prefetcher(count: units.count, window: 16 * workers) { units[$0].prefetch() }
        prefetcher.start()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let i = next.increment(by: 1)
                if i >= units.count { break }
                prefetcher.taken(i)
                switch units[i].load() {
                case .failure(let e):
                    box.slots[i] = .failure(e)
                case .success(let asset) where plan.shard.map({ !$0.contains(asset.name) }) ?? false:
                    box.slots[i] = .failure(
                        Diagnostic(
                            .shardFolder,
                            "the snapshots in folder \(PathNames.lastComponent(of: PathNames.folder(of: asset.snapshots.first?.source ?? ""))) are of asset \"\(asset.name)\", which belongs to shard \(Shard.of(asset.name, count: plan.shard!.count))/\(plan.shard!.count): with --shard, name each asset's folder after it",
                            at: SourceLocation(file: asset.snapshots.first?.source ?? asset.name)))
                case .success(let asset):
                    _ = bytes.increment(by: asset.snapshots.reduce(0) { $0 + $1.bytes })
                    box.slots[i] = .success(
                        programs.map { program in
                            AssetResult(name: asset.name, snapshots: asset.snapshots, outcomes: RuleEvaluator.evaluate(program, on: asset.view))
                        })
                }
            }
        }
        prefetcher.finish()
        var assets: [[AssetResult]] = Array(repeating: [], count: programs.count)
        var errors = plan.errors
        var seen: [String: String] = [:]
        for slot in slots {
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
                startedAt: started, finishedAt: finished, bytesParsed: bytes.value, jobs: workers, shard: plan.shard, allAssets: plan.allAssets)
        }
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
