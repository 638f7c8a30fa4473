/// A GraphQL Admin API version handle (`2026-10`), ordered by date; `unstable` is newest.
public struct ShopifyAPIVersion: Comparable, Sendable, CustomStringConvertible {
    public let handle: String
    let year: Int
    let month: Int

    public init?(_ handle: String) {
        self.handle = handle
        if handle == "unstable" { year = 9999; month = 12; return }
        let p = handle.split(separator: "-")
        guard p.count == 2, p[0].count == 4, p[1].count == 2, let y = Int(p[0]), let m = Int(p[1]), [1, 4, 7, 10].contains(m) else { return nil }
        year = y
        month = m
    }

    public var description: String { handle }
    public static func < (a: Self, b: Self) -> Bool { (a.year, a.month) < (b.year, b.month) }
    public static func == (a: Self, b: Self) -> Bool { a.year == b.year && a.month == b.month }

    /// The oldest version whose schema has everything the queries below ask for
    /// (`staffMembers` as a top-level query and `StaffMember.accountType` arrived in 2024-10).
    public static let oldestUsable = ShopifyAPIVersion("2024-10")!
}

/// The queries of `gavel collect shopify`, one per part, as docs/snapshots/shopify.md lists them.
/// Lists are read a page at a time with `$first`/`$after`.
enum ShopifyQueries {
    static func shop(_ v: ShopifyAPIVersion) -> String {
        // ShopPlan.publicDisplayName replaced displayName in 2025-07.
        let planName = v >= ShopifyAPIVersion("2025-07")! ? "publicDisplayName" : "displayName"
        return """
            query GavelShop {
              shop {
                id name myshopifyDomain
                plan { \(planName) shopifyPlus partnerDevelopment }
                primaryDomain { host sslEnabled }
                customerAccountsV2 { customerAccountsVersion loginRequiredAtCheckout loginLinksVisibleOnStorefrontAndCheckout }
              }
              publicApiVersions { handle supported }
              currentAppInstallation { id app { id title handle } accessScopes { handle } }
            }
            """
    }

    static let staff = """
        query GavelStaff($first: Int!, $after: String) {
          staffMembers(first: $first, after: $after) {
            nodes { id accountType active isShopOwner exists }
            pageInfo { hasNextPage endCursor }
          }
        }
        """

    static let apps = """
        query GavelApps($first: Int!, $after: String, $privacy: AppInstallationPrivacy) {
          appInstallations(first: $first, after: $after, privacy: $privacy) {
            nodes { id app { id title handle } accessScopes { handle } }
            pageInfo { hasNextPage endCursor }
          }
        }
        """

    static func webhooks(_ v: ShopifyAPIVersion) -> String {
        // WebhookSubscription.uri (any endpoint type) arrived in 2025-10; before it, callbackUrl.
        let destination = v >= ShopifyAPIVersion("2025-10")! ? "uri" : "callbackUrl"
        return """
            query GavelWebhooks($first: Int!, $after: String) {
              webhookSubscriptions(first: $first, after: $after) {
                nodes { id topic format createdAt \(destination) apiVersion { handle supported } }
                pageInfo { hasNextPage endCursor }
              }
            }
            """
    }

    /// Never `accessToken`: the token itself is a secret.
    static let storefrontTokens = """
        query GavelStorefrontTokens($first: Int!, $after: String) {
          shop {
            storefrontAccessTokens(first: $first, after: $after) {
              nodes { id title createdAt accessScopes { handle } }
              pageInfo { hasNextPage endCursor }
            }
          }
        }
        """

    /// Needs read_shipping. The callback URL's query string is dropped as webhook URLs' are.
    static let carrierServices = """
        query GavelCarrierServices($first: Int!, $after: String) {
          carrierServices(first: $first, after: $after) {
            nodes { id name active callbackUrl }
            pageInfo { hasNextPage endCursor }
          }
        }
        """

    /// Needs read_privacy_settings.
    static let privacy = """
        query GavelPrivacy {
          privacySettings {
            banner { enabled autoManaged }
            dataSaleOptOutPage { autoManaged }
            privacyPolicy { autoManaged }
          }
        }
        """
}
