import SlipwayCLI

@main
struct Entrypoint {
    static func main() async {
        await SlipwayCommand.main()
    }
}
