# Shared by the bench scripts: `source "$(dirname "$0")/lib.sh"` from the repository's root.

# hugo_site SITE WORKSPACE: a Hugo site in SITE whose one page lists every record's name,
# lifecycle and owner from WORKSPACE's frontmatter (the reference kith is measured beside).
hugo_site() {
    local site=$1 ws=$2
    mkdir -p "$site/layouts"
    cat >"$site/hugo.toml" <<EOF
baseURL = "http://example.invalid/"
title = "records"
contentDir = "$ws"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "404", "section"]
[[cascade]]
  [cascade._build]
    render = "never"
    list = "always"
  [cascade._target]
    kind = "page"
EOF
    cat >"$site/layouts/index.html" <<'EOF'
<!doctype html><html><head><title>Records</title></head><body><table>
<tr><th>Name</th><th>Lifecycle</th><th>Owner</th></tr>
{{ range sort .Site.RegularPages ".Params.lifecycle" }}<tr><td>{{ .Params.name }}</td><td>{{ .Params.lifecycle }}</td><td>{{ .Params.owner }}</td></tr>
{{ end }}</table></body></html>
EOF
}
