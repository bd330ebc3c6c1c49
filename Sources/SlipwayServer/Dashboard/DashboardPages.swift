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
                              ("overview", PackageResources.overview_mustache), ("deployment", PackageResources.deployment_mustache),
                              ("deployment_page", PackageResources.deployment_page_mustache),
                              ("history", PackageResources.history_mustache), ("audit", PackageResources.audit_mustache),
                              ("problem", PackageResources.problem_mustache)] {
            try library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    static let css = String(decoding: PackageResources.dashboard_css, as: UTF8.self)
    static let javaScript = String(decoding: PackageResources.dashboard_js, as: UTF8.self)

    func signIn(error: String?, csrf: String) -> String {
        layout(title: "Sign in", content: render(["error": error as Any, "csrf": csrf], "signin"), session: nil)
    }

    func overview(_ status: StatusResponse, session: DashboardSessions.Session, at date: Date, notice: String? = nil,
                  error: String? = nil) -> String {
        layout(title: "Overview", content: overviewFragment(status, session: session, at: date, notice: notice, error: error),
               session: session)
    }

    /// The overview's `<div id="overview">` alone: what the live feed sends. Its forms are the ones
    /// `session`'s role may use, each with the session's CSRF token.
    func overviewFragment(_ status: StatusResponse, session: DashboardSessions.Session, at date: Date, notice: String? = nil,
                          error: String? = nil) -> String {
        render(OverviewView(status, caller: session.caller, csrf: session.csrf, at: date, notice: notice, error: error), "overview")
    }

    /// A deployment's page: its record and its log; `live`: it is running, and the page follows it.
    func deployment(_ record: Deployment, log: String, live: Bool, session: DashboardSessions.Session) -> String {
        let history = "/history" + DashboardHTTP.queryString(["service": record.service, "environment": record.environment ?? ""])
        let content = render(["id": record.id, "service": record.service, "history": history, "live": live,
                              "record": deploymentFragment(record), "log": log], "deployment_page")
        return layout(title: "\(record.service) \(record.version ?? record.id)", content: content, session: session)
    }

    /// The deployment page's `<div id="record">` alone: what its live feed sends at each change.
    func deploymentFragment(_ record: Deployment) -> String {
        render(DeploymentView(record), "deployment")
    }

    func history(_ view: HistoryView, session: DashboardSessions.Session) -> String {
        layout(title: "History", content: render(view, "history"), session: session)
    }

    func audit(_ view: AuditView, session: DashboardSessions.Session) -> String {
        layout(title: "Audit trail", content: render(view, "audit"), session: session)
    }

    /// A page saying what could not be shown (an unknown deployment, a role that may not see it).
    func problem(_ title: String, _ message: String, session: DashboardSessions.Session) -> String {
        layout(title: title, content: render(["title": title, "message": message], "problem"), session: session)
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
        let frozen: Bool
        /// The environment as a form names it (empty without `environments:`).
        let formName: String
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
        /// The environment as a form names it (empty in the default one).
        let environment: String
        let rollout: Rollout?
        /// A retained release other than the active one exists to go back to.
        let canRollBack: Bool
        let traffic: String
        let warm: String
        /// Its history page.
        let history: String
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
        /// The commands it takes (a rolling replacement only `abort`), as the action names end.
        let commands: [String]
    }

    struct Frozen {
        let environment: String
        let actor: String
        let reason: String
        let at: String
        let formEnvironment: String
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
    let csrf: String
    /// What the caller's role allows: deploy-level actions (rollout commands, rollback), approver-level (approvals, freezes).
    let canDeploy: Bool
    let canApprove: Bool
    /// An admin: a rollback past its window is offered (`override`).
    let canOverride: Bool
    let notice: String?
    let error: String?

    init(_ status: StatusResponse, caller: Caller, csrf: String, at date: Date, notice: String? = nil, error: String? = nil) {
        self.csrf = csrf
        canDeploy = caller.may(.deployer)
        canApprove = caller.may(.approver)
        canOverride = caller.may(.admin)
        self.notice = notice
        self.error = error
        let names = status.environments?.map(\.name) ?? [ServiceKey.defaultEnvironment]
        environments = names.map { name in
            let proxy = status.environments?.first { $0.name == name }?.proxy ?? status.proxy
            let services = status.services.filter { ($0.environment ?? ServiceKey.defaultEnvironment) == name }
            return Environment(name: name, proxy: proxy, services: services.map(Self.service),
                               frozen: status.freezes?.contains { $0.environment == name } ?? false,
                               formName: status.environments == nil ? "" : name)
        }
        freezes = (status.freezes ?? []).map {
            Frozen(environment: $0.environment, actor: $0.actor, reason: $0.reason, at: Self.time($0.at),
                   formEnvironment: $0.environment == ServiceKey.defaultEnvironment ? "" : $0.environment)
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
                deploying: service.deploying, environment: service.environment ?? "",
                rollout: service.rollout.map {
                    Rollout(strategy: $0.strategy.rawValue, weight: $0.weight, phase: $0.phase.rawValue.replacingOccurrences(of: "_", with: " "),
                            commands: $0.strategy == .rolling ? ["abort"] : ["pause", "resume", "promote", "abort"])
                },
                canRollBack: service.activeRelease != nil && service.retainedReleases.count > 1,
                traffic: service.traffic.map { $0.maintenance.map { "maintenance: \($0)" } ?? "paused" } ?? "all to \(service.activeRelease?.version ?? "-")",
                warm: service.warmRelease ?? "-",
                history: "/history" + DashboardHTTP.queryString(["service": service.name, "environment": service.environment ?? ""]))
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

    private static func time(_ date: Date) -> String { DashboardFormat.time(date) }
}
