/// The page `slipway proxy maintenance` shows a browser: the operator's message, HTML-escaped
/// (it is typed on a command line, but a page must never run what someone typed).
enum MaintenancePage {
    static func html(_ message: String) -> String {
        """
        <!doctype html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Down for maintenance</title>
        <style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:15vh auto;padding:0 1rem;color:#222;line-height:1.5}</style>
        </head>
        <body><h1>Down for maintenance</h1><p>\(escape(message))</p></body>
        </html>

        """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
