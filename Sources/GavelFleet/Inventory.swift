import Foundation
import GavelCollectors

/// A fleet inventory (`gavel: inventory/v1`): the hosts `gavel collect fleet` reaches over
/// SSH, with their settings resolved (defaults, then each group in the order the inventory
/// lists them, then the host's own), and the Shopify stores collected from the machine that
/// runs the command. See docs/INVENTORY.md.
public struct Inventory: Sendable {
    public var file: String
    /// An OpenSSH client configuration to use instead of the user's (`ssh -F`), resolved
    /// against the inventory's folder.
    public var sshConfig: String?
    public var hosts: [Host]
    /// Group name -> its hosts, in the inventory's order.
    public var groups: [(name: String, hosts: [String])]
    public var shopify: [ShopifyStore]

    /// How a host's key is checked. `strict` (the default) refuses a host not in known_hosts
    /// and a changed key; `accept-new` records a new host's key on first contact and still
    /// refuses a changed one; `off` accepts any key (`StrictHostKeyChecking=no`): only for a
    /// host the inventory names, never as the default unless the inventory says so.
    public enum HostKeyChecking: String, Sendable, CaseIterable {
        case strict, acceptNew = "accept-new", off
        var sshValue: String {
            switch self {
            case .strict: return "yes";
            case .acceptNew: return "accept-new";
            case .off: return "no"
            }
        }
    }

    /// Which gavel runs on the host: this machine's binary copied to a private temporary
    /// folder for the run (`copy`, the default), or one installed there (the .deb's
    /// `/usr/bin/gavel`), which saves sending ~17 MB per host and night.
    public enum RemoteGavel: Sendable, Equatable {
        case copy
        case installed(String)
    }

    public struct Host: Sendable {
        public var name: String
        public var address: String
        public var user: String?
        public var port: Int?
        public var identityFile: String?
        public var connectTimeout: Double
        public var timeout: Double
        public var hostKeyChecking: HostKeyChecking
        /// Extra `-o Key=Value` options for ssh (a ProxyJump, a Ciphers list, ...).
        public var sshOptions: [String]
        public var sudo: Bool
        public var gavel: RemoteGavel
        public var assetName: AssetNameTemplate
        public var nginxConfig: String?
        /// Applications nginx does not lead to, collected too (`collect host --wordpress`).
        public var wordpress: [String]
        public var magento: [String]
        public var groups: [String]
    }

    public struct ShopifyStore: Sendable {
        public var asset: String
        public var shop: String
        /// A file on this machine holding the Admin API token (never the token itself).
        public var tokenFile: String
        public var apiVersion: String?
        /// scheme://host[:port] to send requests to instead of https://SHOP (a proxy).
        public var endpoint: String?
        public var timeout: Double
    }

    public static let defaultConnectTimeout: Double = 10
    public static let defaultTimeout: Double = 600
}
