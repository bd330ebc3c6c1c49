import Foundation
import Mustache
import SlipwayModel

/// The dashboard's pages, rendered on the server from the templates compiled into the binary
/// (`Assets/`, swift-mustache: every `{{value}}` is HTML-escaped).
struct DashboardPages: Sendable {
    let library: MustacheLibrary

    init() throws {
        var library = MustacheLibrary()
        for (name, bytes) in [("layout", PackageResources.layout_mustache), ("signin", PackageResources.signin_mustache),
                              ("overview", PackageResources.overview_mustache)] {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    static let css = String(decoding: PackageResources.dashboard_css, as: UTF8.self)
    static let javaScript = String(decoding: PackageResources.dashboard_js, as: UTF8.self)

    func signIn(error: String?) -> String {
        layout(title: "Sign in", content: render(["error": error as Any], "signin"), session: nil)
    }

    func overview(_ status: StatusResponse, session: DashboardSessions.Session, at date: Date) -> String {
        layout(title: "Overview", content: overviewFragment(status, at: date), session: session)
    }

    /// The overview's `<div id="overview">` alone: what the live feed sends.
    func overviewFragment(_ status: StatusResponse, at date: Date) -> String {
        render(OverviewView(status, at: date), "overview")
    }

    private func layout(title: String, content: String, session: DashboardSessions.Session?) -> String {
        let signedIn: Any = session.map { ["name": $0.caller.name, "role": $0.caller.role.rawValue, "csrf": $0.csrf] } as Any
        return render(["title": title, "content": content, "signedIn": signedIn], "layout")
    }

    private func render(_ object: Any, _ template: String) -> String {
        library.render(object, withTemplate: template) ?? ""
    }
}

/// What the overview template reads: environments × services, as `status` has them.
struct OverviewView {
    struct Environment {
        let name: String
        let proxy: String
        let services: [Service]
    }

    struct Service {
        let name: String
        let route: String
        let version: String
        let release: String
        let commit: String
        let health: String
        let healthIcon: String
        let replicas: [Replica]
        let deploying: String?
        let rollout: Rollout?
        let traffic: String
        let warm: String
    }

    struct Replica {
        let slot: Int
        let pid: Int32
        let port: Int
        let health: String
        let icon: String
        let inPool: Bool
    }

    struct Rollout {
        let strategy: String
        let weight: Int
        let phase: String
    }

    struct Frozen {
        let environment: String
        let actor: String
        let reason: String
        let at: String
    }

    struct Waiting {
        let id: String
        let service: String
        let version: String
        let actor: String
        let message: String
    }

    let environments: [Environment]
    let freezes: [Frozen]
    let pending: [Waiting]
    let hasPending: Bool
    let updated: String

    init(_ status: StatusResponse, at date: Date) {
        let names = status.environments?.map(\.name) ?? [ServiceKey.defaultEnvironment]
        environments = names.map { name in
            let proxy = status.environments?.first { $0.name == name }?.proxy ?? status.proxy
            let services = status.services.filter { ($0.environment ?? ServiceKey.defaultEnvironment) == name }
            return Environment(name: name, proxy: proxy, services: services.map(Self.service))
        }
        freezes = (status.freezes ?? []).map {
            Frozen(environment: $0.environment, actor: $0.actor, reason: $0.reason, at: Self.time($0.at))
        }
        pending = (status.pending ?? []).map {
            Waiting(id: $0.id, service: $0.key.description, version: $0.version ?? $0.ref ?? "", actor: $0.actor,
                    message: $0.message ?? "waiting")
        }
        hasPending = !pending.isEmpty
        updated = Self.time(date)
    }

    private static func service(_ service: ServiceStatus) -> Service {
        Service(name: service.name, route: service.route, version: service.activeRelease?.version ?? "-",
                release: service.activeRelease?.id ?? "-", commit: service.activeRelease.map { String($0.commit.prefix(10)) } ?? "-",
                health: service.health.rawValue, healthIcon: icon(service.health),
                replicas: (service.replicas ?? []).map {
                    Replica(slot: $0.slot, pid: $0.pid, port: $0.port, health: $0.health.rawValue, icon: icon($0.health), inPool: $0.inPool)
                },
                deploying: service.deploying,
                rollout: service.rollout.map {
                    Rollout(strategy: $0.strategy.rawValue, weight: $0.weight, phase: $0.phase.rawValue.replacingOccurrences(of: "_", with: " "))
                },
                traffic: service.traffic.map { $0.maintenance.map { "maintenance: \($0)" } ?? "paused" } ?? "all to \(service.activeRelease?.version ?? "-")",
                warm: service.warmRelease ?? "-")
    }

    /// A word's companion, so that health is not told by colour alone.
    private static func icon(_ health: ServiceStatus.Health) -> String {
        switch health {
        case .healthy: "✔"
        case .unhealthy: "✖"
        case .unknown: "?"
        case .down: "■"
        }
    }

    private static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeSeparator(.colon))
    }
}
