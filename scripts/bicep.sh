#!/usr/bin/env bash
# Bicep CLI for Circly's infra/.
#
#   scripts/bicep.sh check   build infra/main.bicep, build-params every infra/*.bicepparam,
#                            lint every infra/**/*.bicep; exit non-zero on any error OR warning
#   scripts/bicep.sh path    print the path of the pinned Bicep binary (installing it if missing)
#   scripts/bicep.sh ARGS... run the pinned Bicep binary with ARGS (e.g. `scripts/bicep.sh --version`)
#
# The binary comes from the NuGet package Azure.Bicep.CommandLine.linux-x64 (tools/bicep inside it),
# restored by a throwaway project into the git-ignored folder .tools/ at the repository root, because
# NuGet is the only place this project may download from. Non-interactive; quick once installed.
set -euo pipefail

BICEP_VERSION="0.49.2"
PACKAGE_ID="Azure.Bicep.CommandLine.linux-x64"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tools_dir="$repo_root/.tools"
packages_dir="$tools_dir/nuget-packages"
package_lower="$(printf '%s' "$PACKAGE_ID" | tr '[:upper:]' '[:lower:]')"
bicep_bin="$packages_dir/$package_lower/$BICEP_VERSION/tools/bicep"

log() { printf 'bicep.sh: %s\n' "$*" >&2; }

# Bicep is a self-contained .NET app: without ICU on the machine it needs invariant globalization.
if ! ldconfig -p 2>/dev/null | grep -q 'libicuuc\.so'; then
  export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
fi

install_bicep() {
  if [[ -x "$bicep_bin" ]]; then
    return 0
  fi
  if [[ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]]; then
    log "only linux-x64 is supported by this script (found $(uname -s)-$(uname -m))"
    return 1
  fi
  if ! command -v dotnet >/dev/null 2>&1; then
    log "the .NET SDK (dotnet) is required to download the Bicep CLI from NuGet"
    return 1
  fi

  log "installing Bicep CLI $BICEP_VERSION from NuGet package $PACKAGE_ID into .tools/"
  local restore_dir="$tools_dir/bicep-restore"
  mkdir -p "$restore_dir" "$packages_dir"
  # The project lives under the repository: stop MSBuild from importing the repository's
  # Directory.Build.*/Directory.Packages.props (central package management, warnings as errors).
  printf '<Project />\n' >"$restore_dir/Directory.Build.props"
  printf '<Project />\n' >"$restore_dir/Directory.Build.targets"
  printf '<Project />\n' >"$restore_dir/Directory.Packages.props"
  cat >"$restore_dir/bicep-restore.csproj" <<CSPROJ
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally>
    <NuGetAudit>false</NuGetAudit>
  </PropertyGroup>
  <ItemGroup>
    <PackageDownload Include="$PACKAGE_ID" Version="[$BICEP_VERSION]" />
  </ItemGroup>
</Project>
CSPROJ

  local restore_log="$restore_dir/restore.log"
  if ! DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 \
      dotnet restore "$restore_dir/bicep-restore.csproj" \
        --packages "$packages_dir" \
        -p:ImportDirectoryBuildProps=false \
        -p:ImportDirectoryBuildTargets=false \
        -p:ImportDirectoryPackagesProps=false \
        --nologo >"$restore_log" 2>&1; then
    cat "$restore_log" >&2
    log "dotnet restore of $PACKAGE_ID $BICEP_VERSION failed"
    return 1
  fi
  if [[ ! -f "$bicep_bin" ]]; then
    cat "$restore_log" >&2
    log "restore succeeded but $bicep_bin is missing"
    return 1
  fi
  # NuGet does not keep the executable bit.
  chmod +x "$bicep_bin"
  log "installed $("$bicep_bin" --version)"
}

say() { printf 'bicep.sh: %s\n' "$*"; }

# Runs one Bicep command; fails when it exits non-zero or prints a warning or an error.
failures=0
check_out=""
run_checked() {
  local label="$1"; shift
  local output status=0
  output="$("$bicep_bin" "$@" 2>&1)" || status=$?
  if [[ -n "$output" ]]; then
    printf '%s\n' "$output"
  fi
  if [[ $status -ne 0 ]]; then
    say "FAIL ($label): exit code $status"
    failures=$((failures + 1))
  elif grep -qiE '(^|[^a-z])(warning|error)([^a-z]|$)' <<<"$output"; then
    say "FAIL ($label): warnings or errors printed"
    failures=$((failures + 1))
  else
    say "ok   ($label)"
  fi
}

check() {
  local infra="$repo_root/infra"
  check_out="$(mktemp -d)"
  trap 'rm -rf "$check_out"' EXIT
  local out="$check_out"

  run_checked "build main.bicep" build "$infra/main.bicep" --outfile "$out/main.json"

  local param found=0
  for param in "$infra"/*.bicepparam; do
    [[ -e "$param" ]] || continue
    found=1
    run_checked "build-params $(basename "$param")" build-params "$param" --outfile "$out/$(basename "$param" .bicepparam).parameters.json"
  done
  if [[ $found -eq 0 ]]; then
    say "FAIL: no .bicepparam files in infra/"
    failures=$((failures + 1))
  fi

  local file
  while IFS= read -r file; do
    run_checked "lint ${file#"$repo_root"/}" lint "$file"
  done < <(find "$infra" -name '*.bicep' -type f | sort)

  if [[ $failures -ne 0 ]]; then
    say "$failures check(s) failed"
    return 1
  fi
  say "all Bicep checks passed: no errors, no warnings (Bicep CLI $BICEP_VERSION)"
}

case "${1:-}" in
  check)
    install_bicep
    check
    ;;
  path)
    install_bicep
    printf '%s\n' "$bicep_bin"
    ;;
  ""|-h|--help|help)
    sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    ;;
  *)
    install_bicep
    exec "$bicep_bin" "$@"
    ;;
esac
