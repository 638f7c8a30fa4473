import Foundation
import GavelCollectors
import GavelCore

/// `gavel collect fleet`: every selected host of an inventory collected over SSH and every
/// Shopify store from this machine, `jobs` at a time, into one snapshots folder.
///
/// A host's snapshots are written only when its collection finished; each asset folder is
/// replaced whole (`AssetFolders`). A host that could not be collected never disappears and
/// never leaves half its assets: each asset it had is written as a failure record (every
/// part `unavailable` with the reason, so `gavel eval` gives `error` and exits non-zero),
/// and its last good folder is kept under `.gavel-previous/`. A host never collected
/// before gets one asset named after the host, with a failed `hosting` snapshot.
public struct FleetCollector: Sendable {
    public var inventory: Inventory
    public var output: String
    /// The gavel sent to hosts whose inventory says `gavel: copy`.
    public var binary: String
    public var jobs: Int
    public var ssh = "ssh"
    public var now: @Sendable () -> Date = { Date() }

    public init(inventory: Inventory, output: String, binary: String, jobs: Int) {
        self.inventory = inventory
        self.output = output
        self.binary = binary
        self.jobs = jobs
    }

    /// What became of one host or store.
    public struct Result: Sendable {
        public var name: String
        /// `host` or `shopify`.
        public var source: String
        public var outcome: HostOutcome
        public var assets: [String]
        public var seconds: Double
        /// What `collect host` said on the host (found / skipped), or ssh's messages.
        public var log: [String]
    }

    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var failed: Int
        public var last: Result
    }

    /// The hosts and stores `patterns` select: a host by its name or a group's, a store by
    /// its asset; `*`, `?` and `[...]` as in the shell. No patterns selects everything.
    public static func select(_ inventory: Inventory, _ patterns: [String]) -> (hosts: [Inventory.Host], stores: [Inventory.ShopifyStore]) {
        guard !patterns.isEmpty else { return (inventory.hosts, inventory.shopify) }
        func matches(_ name: String) -> Bool { patterns.contains { fnmatch($0, name, 0) == 0 } }
        let groups = Set(inventory.groups.filter { matches($0.name) }.flatMap(\.hosts))
        return (inventory.hosts.filter { matches($0.name) || groups.contains($0.name) }, inventory.shopify.filter { matches($0.asset) })
    }

    /// Collects `hosts` and `stores`; `progress` is called after each one finishes.
    public func run(hosts: [Inventory.Host], stores: [Inventory.ShopifyStore], progress: (@Sendable (Progress) -> Void)? = nil) throws -> [Result] {
        let folders = try AssetFolders(output)
        enum Job: Sendable { case host(Inventory.Host), store(Inventory.ShopifyStore) }
        let work: [Job] = hosts.map { .host($0) } + stores.map { .store($0) }
        let state = SharedState(count: work.count)
        let workers = max(1, min(jobs, work.count))
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            let thread = Thread { [self] in
                defer { group.leave() }
                while let i = state.next() {
                    let start = Date()
                    var r: Result
                    switch work[i] {
                    case .host(let h): r = collect(h, folders, state)
                    case .store(let s): r = collect(s, folders, state)
                    }
                    r.seconds = Date().timeIntervalSince(start)
                    let p = state.finish(i, r)
                    progress?(p)
                }
            }
            thread.stackSize = 4 << 20
            thread.start()
        }
        group.wait()
        return state.results.compactMap { $0 }
    }

    // MARK: one host

    func collect(_ host: Inventory.Host, _ folders: AssetFolders, _ state: SharedState) -> Result {
        let remote = RemoteCollection(host: host, sshConfig: inventory.sshConfig, binary: binary)
        var r = Result(name: host.name, source: "host", outcome: .ok, assets: [], seconds: 0, log: [])
        switch remote.run() {
        case .success(let got):
            r.log = got.log
            var byAsset: [(asset: String, files: [(name: String, contents: Data)])] = []
            for s in got.snapshots {
                let file = (s.kind + ".json", Data((s.json + "\n").utf8))
                if let i = byAsset.firstIndex(where: { $0.asset == s.asset }) { byAsset[i].files.append(file) } else { byAsset.append((s.asset, [file])) }
            }
            r.assets = byAsset.map(\.asset)
            r.outcome =
                state.write(owner: host.name) { claims in
                    if let (asset, other) = claims.conflict(byAsset.map(\.asset), owner: host.name) {
                        return .failure(HostOutcomeError(.failed("asset \(asset) is also \(other)'s; give one of them an asset_name such as '{host}.{site}'")))
                    }
                    do {
                        let at = Timestamp.string(now())
                        try folders.replace(
                            byAsset, owner: host.name, outcome: "ok", at: at, lastGood: at, keepOld: keepsGood(host.name, folders),
                            keeping: claims.claimedByOthers(host.name))
                        claims.claim(byAsset.map(\.asset), owner: host.name, good: true)
                        return .success(())
                    } catch {
                        return .failure(HostOutcomeError(.failed("its snapshots could not be written: \(error)")))
                    }
                } ?? .ok
        case .failure(let e):
            r.outcome = e.outcome
        }
        if r.outcome != .ok {
            r.assets = recordFailure(
                owner: host.name, host: host.name, defaultAsset: host.assetName.name(site: host.name, host: host.name),
                defaultKind: "hosting", outcome: r.outcome, folders, state)
        }
        return r
    }

    // MARK: one Shopify store, from this machine

    func collect(_ store: Inventory.ShopifyStore, _ folders: AssetFolders, _ state: SharedState) -> Result {
        let owner = "shopify@" + store.asset
        var r = Result(name: store.asset, source: "shopify", outcome: .ok, assets: [store.asset], seconds: 0, log: [])
        do {
            let token = try ShopifyCollector.token(fromFile: store.tokenFile)
            var c = ShopifyCollector(shop: store.shop, token: token)
            if let v = store.apiVersion { c.apiVersion = v }
            c.endpoint = store.endpoint
            c.totalTimeout = store.timeout
            var b = SnapshotBuilder(asset: store.asset, kind: "shopify", collectedAt: now())
            let doc = b.document(data: try c.collect(into: &b))
            let outcome = state.write(owner: owner) { claims in
                if let (asset, other) = claims.conflict([store.asset], owner: owner) {
                    return .failure(HostOutcomeError(.failed("asset \(asset) is also \(other)'s")))
                }
                do {
                    let at = Timestamp.string(now())
                    try folders.replace(
                        [(store.asset, [("shopify.json", Data((JSONWriter.string(doc, pretty: true) + "\n").utf8))])],
                        owner: owner, outcome: "ok", at: at, lastGood: at, keepOld: keepsGood(owner, folders))
                    claims.claim([store.asset], owner: owner, good: true)
                    return .success(())
                } catch {
                    return .failure(HostOutcomeError(.failed("its snapshot could not be written: \(error)")))
                }
            }
            if let outcome { r.outcome = outcome }
        } catch let e as Diagnostic {
            r.outcome = e.id == "shopify-timeout" ? .timeout(e.message) : .failed(e.description)
        } catch {
            r.outcome = .failed("\(error)")
        }
        if r.outcome != .ok {
            r.assets = recordFailure(
                owner: owner, host: "this machine (Shopify \(store.shop))", defaultAsset: store.asset, defaultKind: "shopify",
                outcome: r.outcome, folders, state)
        }
        return r
    }

    /// Whether the folders an owner has now are a good collection (kept as the previous
    /// generation when replaced) rather than failure records (discarded, so the good
    /// generation stays in `.gavel-previous`).
    func keepsGood(_ owner: String, _ folders: AssetFolders) -> Bool {
        folders.ownership(of: owner).map { $0.outcome == "ok" } ?? true
    }

    /// Writes failure records for the assets `owner` had (or its default asset), and returns them.
    func recordFailure(
        owner: String, host: String, defaultAsset: String, defaultKind: String, outcome: HostOutcome,
        _ folders: AssetFolders, _ state: SharedState
    ) -> [String] {
        var written: [String] = []
        _ = state.write(owner: owner) { claims in
            let before = folders.ownership(of: owner)
            // An asset another owner has since collected well (a site that moved) is theirs now.
            let others = folders.owners().filter { $0.owner != owner && $0.outcome == "ok" && $0.at > (before?.at ?? "") }
            let taken = claims.claimedByOthers(owner).union(others.flatMap(\.assets))
            var assets = (before?.assets ?? [defaultAsset]).filter { !taken.contains($0) }
            // A host whose every asset another host now produces still leaves a trace.
            if assets.isEmpty && !taken.contains(defaultAsset) { assets = [defaultAsset] }
            let at = now()
            let keepGood = before.map { $0.outcome == "ok" } ?? true
            var records: [(asset: String, files: [(name: String, contents: Data)])] = []
            for asset in assets {
                let dir = folders.folder(of: asset)
                let kinds = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? [])
                    .filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.map { String($0.dropLast(5)) }.sorted()
                let lastGood = before?.lastGood
                let kept = lastGood == nil ? nil : "\(output)/\(AssetFolders.previousFolder)/\(asset)/"
                var files: [(name: String, contents: Data)] = []
                for kind in kinds.isEmpty ? [defaultKind] : kinds {
                    let old = keepGood ? FailureRecord.data(ofFile: dir + "/" + kind + ".json") : nil
                    let doc = FailureRecord.document(
                        asset: asset, kind: kind, host: host, outcome: outcome, at: at,
                        lastGood: lastGood, keptIn: kept, oldData: old)
                    files.append((kind + ".json", Data((JSONWriter.string(doc, pretty: true) + "\n").utf8)))
                }
                records.append((asset, files))
            }
            do {
                try folders.replace(
                    records, owner: owner, outcome: outcome.name, at: Timestamp.string(at), lastGood: before?.lastGood,
                    keepOld: keepGood, keeping: taken)
                claims.claim(assets, owner: owner, good: false)
                written = assets
            } catch {
                written = []
            }
            return .success(())
        }
        return written
    }
}

/// The workers' shared state: the next job, the results, and which assets each owner took
/// in this run; writes to the folder are serialised (they take milliseconds; the
/// collections they follow take seconds).
final class SharedState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private(set) var results: [FleetCollector.Result?]
    private var done = 0, failed = 0
    private var claims = Claims()

    init(count: Int) { results = Array(repeating: nil, count: count) }

    func next() -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard nextIndex < results.count else { return nil }
        nextIndex += 1
        return nextIndex - 1
    }

    func finish(_ i: Int, _ r: FleetCollector.Result) -> FleetCollector.Progress {
        lock.lock(); defer { lock.unlock() }
        results[i] = r
        done += 1
        if r.outcome != .ok { failed += 1 }
        return FleetCollector.Progress(done: done, total: results.count, failed: failed, last: r)
    }

    /// Runs `body` alone; its failure outcome, if any.
    func write(owner: String, _ body: (Claims) -> Result<Void, HostOutcomeError>) -> HostOutcome? {
        lock.lock(); defer { lock.unlock() }
        if case .failure(let e) = body(claims) { return e.outcome }
        return nil
    }

    /// asset -> (owner, whether its snapshots are a good collection).
    final class Claims {
        private var byAsset: [String: (owner: String, good: Bool)] = [:]
        func conflict(_ assets: [String], owner: String) -> (String, String)? {
            for a in assets { if let c = byAsset[a], c.owner != owner, c.good { return (a, c.owner) } }
            return nil
        }
        func claim(_ assets: [String], owner: String, good: Bool) {
            for a in assets where byAsset[a] == nil || good { byAsset[a] = (owner, good) }
        }
        func claimedByOthers(_ owner: String) -> Set<String> {
            Set(byAsset.filter { $0.value.owner != owner && $0.value.good }.keys)
        }
    }
}
