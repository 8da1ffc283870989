#!/usr/bin/env bash
# Builds the real framework sites frontend-sync's integration tests publish, from pinned versions
# on the npm registry, into __tests__/fixtures/sites/ (committed; tests never build):
#   next/v1            a Next.js static export (app router, CSS modules, an SSG route, a web
#                      manifest), buildId fixed by generateBuildId
#   next/v2            the same after a one-line change to the about page
#   next/v1-random-id  v1 rebuilt without generateBuildId (Next.js picks a random buildId)
#   angular/v1         an Angular app with lazy routes and the PWA service worker (ngsw)
#   angular/v2         the same after a one-line change to the about page
#   vite/v1            a Vite app with lazy-loaded modules and build.manifest (.vite/manifest.json)
#   vite/v2            the same after a one-line change to the about module
# Usage: scripts/build-site-fixtures.sh   (about a minute; needs the npm registry)
#
# For the bench only (never the tests): a bigger Next.js export, built outside git:
#   scripts/build-site-fixtures.sh next-posts N DIR
# builds the same Next.js site with N blog posts (N + 4 pages) into
#   DIR/v1             buildId fixture-build (generateBuildId)
#   DIR/new-build-id   the same source, buildId fixture-buil2 (every page and payload changes, no size)
#   DIR/one-page       as new-build-id, one post's text changed (post-100, or the last post)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
out="$PWD/__tests__/fixtures/sites"
posts=''
if [ "${1:-}" = next-posts ]; then
  posts="${2:?next-posts needs a post count}"
  [[ "$posts" =~ ^[1-9][0-9]*$ ]] || { echo "next-posts: a post count such as 644, got '$posts'" >&2; exit 2; }
  mkdir -p "${3:?next-posts needs an output folder}"
  out="$(cd "$3" && pwd)"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export NEXT_TELEMETRY_DISABLED=1 NG_CLI_ANALYTICS=false

NEXT_VERSION=16.4.6
REACT_VERSION=19.3.1
ANGULAR_VERSION=22.2.0
VITE_VERSION=8.3.5

# --- Next.js --------------------------------------------------------------------------------
next="$work/next"
mkdir -p "$next/app/about" "$next/app/blog/[slug]" "$next/public"
cd "$next"
cat > package.json <<EOF
{ "private": true, "dependencies": { "next": "$NEXT_VERSION", "react": "$REACT_VERSION", "react-dom": "$REACT_VERSION" } }
EOF
cat > next.config.mjs <<'EOF'
export default {
  output: 'export',
  trailingSlash: false,
  images: { unoptimized: true },
  // Reproducible builds: the same commit gives the same buildId (null: Next.js picks a random one).
  generateBuildId: async () => process.env.BUILD_ID || null,
}
EOF
cat > app/layout.js <<'EOF'
import './globals.css'
export const metadata = { title: 'Fixture', manifest: '/site.webmanifest' }
export default function Layout({ children }) {
  return (<html lang="en"><body><nav><a href="/">Home</a> <a href="/about">About</a> <a href="/blog/first">Blog</a></nav>{children}</body></html>)
}
EOF
echo 'body { font-family: system-ui, sans-serif; margin: 2rem; }' > app/globals.css
echo '.hero { color: #0a7; font-size: 2rem; }' > app/page.module.css
cat > app/page.js <<'EOF'
import styles from './page.module.css'
export default function Home() { return <h1 className={styles.hero}>Home</h1> }
EOF
echo 'export default function About() { return <p>About this fixture.</p> }' > app/about/page.js
cat > 'app/blog/[slug]/page.js' <<'EOF'
export function generateStaticParams() { return ['first', 'second', 'third'].map((slug) => ({ slug })) }
export default async function Post({ params }) { const { slug } = await params; return <article>Post {slug}</article> }
EOF
echo '{"name":"Fixture","start_url":"/","display":"standalone"}' > public/site.webmanifest
printf 'User-agent: *\nAllow: /\n' > public/robots.txt
npm install --no-audit --no-fund --loglevel=error
build_next() { rm -rf out .next; BUILD_ID="$1" npx next build > /dev/null; rm -rf "$out/next/$2"; mkdir -p "$out/next"; cp -r out "$out/next/$2"; }
if [ -n "$posts" ]; then
  # The post text comes from the build's environment (a server component: no client chunk changes).
  cat > 'app/blog/[slug]/page.js' <<EOF
const posts = Array.from({ length: $posts }, (_, i) => 'post-' + String(i).padStart(3, '0'))
export function generateStaticParams() { return posts.map((slug) => ({ slug })) }
export default async function Post({ params }) {
  const { slug } = await params
  return <article>Post {slug}{slug === process.env.CHANGED_POST ? ', now with one more line.' : ''}</article>
}
EOF
  changed="post-$(printf '%03d' $((posts > 100 ? 100 : posts - 1)))"
  build_next fixture-build v1
  build_next fixture-buil2 new-build-id
  CHANGED_POST="$changed" build_next fixture-buil2 one-page
  for v in v1 new-build-id one-page; do rm -rf "${out:?}/$v"; mv "$out/next/$v" "$out/$v"; done
  rmdir "$out/next"
  echo "built: $posts posts, $(find "$out/v1" -name '*.html' | wc -l) pages, $(find "$out/v1" -type f | wc -l) files in each of $out/{v1,new-build-id,one-page}"
  exit 0
fi
build_next fixture-build v1
build_next '' v1-random-id
echo 'export default function About() { return <p>About this fixture, now with one more line.</p> }' > app/about/page.js
build_next fixture-build v2

# --- Angular --------------------------------------------------------------------------------
ng="$work/angular"
mkdir -p "$ng/src/app" "$ng/public"
cd "$ng"
cat > package.json <<EOF
{ "private": true, "dependencies": {
  "@angular/build": "$ANGULAR_VERSION", "@angular/cli": "$ANGULAR_VERSION", "@angular/common": "$ANGULAR_VERSION",
  "@angular/compiler": "$ANGULAR_VERSION", "@angular/compiler-cli": "$ANGULAR_VERSION", "@angular/core": "$ANGULAR_VERSION",
  "@angular/platform-browser": "$ANGULAR_VERSION", "@angular/router": "$ANGULAR_VERSION",
  "@angular/service-worker": "$ANGULAR_VERSION", "rxjs": "7.8.2", "tslib": "2.9.1", "typescript": "6.0.3" } }
EOF
cat > angular.json <<'EOF'
{ "version": 1, "cli": { "analytics": false }, "projects": { "fx": { "projectType": "application", "root": "", "sourceRoot": "src",
  "architect": { "build": { "builder": "@angular/build:application", "options": {
    "outputPath": "dist/fx", "index": "src/index.html", "browser": "src/main.ts", "tsConfig": "tsconfig.json",
    "assets": [{ "glob": "**/*", "input": "public" }], "styles": ["src/styles.css"], "serviceWorker": "ngsw-config.json",
    "outputHashing": "all", "optimization": true, "sourceMap": false, "extractLicenses": true } } } } } }
EOF
cat > tsconfig.json <<'EOF'
{ "compilerOptions": { "strict": true, "target": "ES2022", "module": "preserve", "moduleResolution": "bundler",
    "lib": ["ES2022", "dom"], "skipLibCheck": true, "isolatedModules": true },
  "files": ["src/main.ts"], "angularCompilerOptions": { "strictTemplates": true } }
EOF
cat > ngsw-config.json <<'EOF'
{ "index": "/index.html", "assetGroups": [
  { "name": "app", "installMode": "prefetch", "resources": { "files": ["/favicon.ico", "/index.html", "/manifest.webmanifest", "/*.css", "/*.js"] } },
  { "name": "assets", "installMode": "lazy", "updateMode": "prefetch", "resources": { "files": ["/**/*.(svg|png|webp|woff2)"] } } ] }
EOF
cat > src/index.html <<'EOF'
<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Fixture</title><base href="/"><link rel="manifest" href="manifest.webmanifest"><link rel="icon" href="favicon.ico"></head>
<body><app-root></app-root></body>
</html>
EOF
echo 'body { font-family: system-ui, sans-serif; }' > src/styles.css
cat > src/main.ts <<'EOF'
import { bootstrapApplication } from '@angular/platform-browser'
import { provideRouter } from '@angular/router'
import { provideServiceWorker } from '@angular/service-worker'
import { App } from './app/app'
import { routes } from './app/routes'

bootstrapApplication(App, {
  providers: [provideRouter(routes), provideServiceWorker('ngsw-worker.js', { enabled: true })],
}).catch((e) => console.error(e))
EOF
cat > src/app/app.ts <<'EOF'
import { Component } from '@angular/core'
import { RouterLink, RouterOutlet } from '@angular/router'

@Component({
  selector: 'app-root',
  imports: [RouterOutlet, RouterLink],
  template: `<nav><a routerLink="/">Home</a> <a routerLink="/about">About</a> <a routerLink="/blog">Blog</a> <a routerLink="/contact">Contact</a></nav><router-outlet />`,
})
export class App {}
EOF
cat > src/app/routes.ts <<'EOF'
import type { Routes } from '@angular/router'

export const routes: Routes = [
  { path: '', loadComponent: () => import('./home').then((m) => m.Home) },
  { path: 'about', loadComponent: () => import('./about').then((m) => m.About) },
  { path: 'blog', loadComponent: () => import('./blog').then((m) => m.Blog) },
  { path: 'contact', loadComponent: () => import('./contact').then((m) => m.Contact) },
]
EOF
page() { # page <Class> <text>
  local l; l=$(echo "$1" | tr 'A-Z' 'a-z')
  printf "import { Component } from '@angular/core'\n\n@Component({ selector: 'app-%s', template: \`<h1>%s</h1><p>%s</p>\` })\nexport class %s {}\n" "$l" "$1" "$2" "$1" > "src/app/$l.ts"
}
for c in Home About Blog Contact; do page "$c" "The $(echo "$c" | tr 'A-Z' 'a-z') page of the fixture."; done
echo '{"name":"Fixture","short_name":"Fixture","start_url":"/","display":"standalone","icons":[]}' > public/manifest.webmanifest
printf '\000\000\001\000\001\000\020\020\000\000\001\000\040\000fixture-icon' > public/favicon.ico
npm install --no-audit --no-fund --loglevel=error
build_ng() { rm -rf dist; npx ng build > /dev/null; rm -rf "$out/angular/$1"; mkdir -p "$out/angular"; cp -r dist/fx/browser "$out/angular/$1"; }
build_ng v1
page About 'The about page of the fixture, now with one more line.'
build_ng v2
# --- Vite -----------------------------------------------------------------------------------
vite="$work/vite"
mkdir -p "$vite/src" "$vite/public"
cd "$vite"
cat > package.json <<EOF
{ "private": true, "type": "module", "dependencies": { "vite": "$VITE_VERSION" } }
EOF
echo 'export default { build: { manifest: true } }' > vite.config.js
cat > index.html <<'EOF'
<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fixture</title><link rel="manifest" href="/manifest.webmanifest"></head>
<body><div id="app"></div><script type="module" src="/src/main.js"></script></body></html>
EOF
cat > src/main.js <<'EOF'
import './style.css'
const routes = { about: () => import('./about.js'), blog: () => import('./blog.js'), contact: () => import('./contact.js') }
document.querySelector('#app').textContent = 'Home'
for (const [name, load] of Object.entries(routes)) {
  const a = document.createElement('a')
  a.textContent = name
  a.onclick = async () => { document.querySelector('#app').textContent = (await load()).default }
  document.body.append(a)
}
EOF
echo 'body { font-family: system-ui, sans-serif; }' > src/style.css
for p in about blog contact; do echo "export default 'The $p page of the fixture.'" > "src/$p.js"; done
echo '{"name":"Fixture","start_url":"/","display":"standalone"}' > public/manifest.webmanifest
npm install --no-audit --no-fund --loglevel=error
build_vite() { rm -rf dist; npx vite build > /dev/null; rm -rf "$out/vite/$1"; mkdir -p "$out/vite"; cp -r dist "$out/vite/$1"; }
build_vite v1
echo "export default 'The about page of the fixture, now with one more line.'" > src/about.js
build_vite v2

echo "built: $(find "$out" -type f | wc -l) files under $out"
