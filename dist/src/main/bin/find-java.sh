# shellcheck shell=sh
# ---------------------------------------------------------------------------------------------------
# find-java.sh: find a Java new enough for Portico. POSIX sh (dash-clean). SOURCE it, do not run it:
#
#     . /path/to/find-java.sh
#
# Used by ./mvnw (repo root; it sets PORTICO_NEED_JDK=1) and by the distribution's bin/portico.
# The canonical copy is dist/src/main/bin/find-java.sh; the distribution's bin/find-java.sh is a copy.
#
# Search order:
#   1. $JAVA_HOME, if set and new enough;
#   2. `java` on PATH (symlinks followed to its home), if new enough;
#   3. the newest new-enough one of: /usr/lib/jvm/*, /usr/java/*, /opt/java/*, /opt/jdk*,
#      $HOME/.sdkman/candidates/java/*, $HOME/.jdks/*,
#      /Library/Java/JavaVirtualMachines/*/Contents/Home.
# A home's version comes from $home/release (JAVA_VERSION), else from `$home/bin/java -version`.
#
# Inputs (optional):  PORTICO_JAVA_MIN      lowest feature version accepted (default 21)
#                     PORTICO_NEED_JDK      non-empty: the home must also have bin/javac (for builds)
#                     PORTICO_JAVA_VERBOSE  non-empty: tell on stderr what was looked at and chosen
# Outputs:            JAVA_HOME (exported), JAVA (the java binary), PORTICO_JAVA_VERSION (e.g. 25.0.3),
#                     PORTICO_JAVA_MAJOR (e.g. 25)
# If nothing fits, it prints "Portico needs a JDK 21 or newer; found: ...; set JAVA_HOME or install
# e.g. Temurin 21" on stderr and EXITS the sourcing script with status 1.
#
# It must work under `set -euf` (mvnw runs with those): every variable is read with a default, globbing
# is switched on only around the directory scan and restored after, and helper names start with _pj_.
# ---------------------------------------------------------------------------------------------------

_pj_say() {
  if [ -n "${PORTICO_JAVA_VERBOSE-}" ]; then printf 'find-java: %s\n' "$*" >&2; fi
}

# _pj_resolve PATH: print PATH with symbolic links followed (portable; no readlink -f).
_pj_resolve() {
  _pj_p=$1
  _pj_n=0
  while [ -h "$_pj_p" ] && [ "$_pj_n" -lt 32 ]; do
    _pj_l=$(ls -ld -- "$_pj_p" 2>/dev/null) || break
    _pj_l=${_pj_l#*' -> '}
    case $_pj_l in
      /*) _pj_p=$_pj_l ;;
      *) _pj_p=${_pj_p%/*}/$_pj_l ;;
    esac
    _pj_n=$((_pj_n + 1))
  done
  printf '%s\n' "$_pj_p"
}

# _pj_int STRING: print STRING as a decimal number (empty -> 0, leading zeros dropped, at most 6 digits).
_pj_int() {
  _pj_i=${1#"${1%%[!0]*}"}
  case $_pj_i in
    '' | *[!0-9]*) _pj_i=0 ;;
    ???????*) _pj_i=999999 ;;
  esac
  printf '%s\n' "$_pj_i"
}

# _pj_probe HOME: read the Java version of HOME. On success (0) sets _pj_ver (e.g. 25.0.3), _pj_maj (25)
# and _pj_key (a number that sorts like the version). Returns 1 if HOME has no runnable java or no
# readable version.
_pj_probe() {
  _pj_ver=
  _pj_maj=0
  _pj_key=0
  [ -x "$1/bin/java" ] || return 1
  if [ -r "$1/release" ]; then
    _pj_ver=$(sed -n '/^JAVA_VERSION=/{s/^JAVA_VERSION="*\([^"]*\)"*.*$/\1/p;q;}' "$1/release" 2>/dev/null) || _pj_ver=
  fi
  if [ -z "$_pj_ver" ]; then
    _pj_ver=$("$1/bin/java" -version 2>&1 </dev/null | sed -n 's/^.* version "\([^"]*\)".*$/\1/p' 2>/dev/null) || _pj_ver=
    _pj_ver=${_pj_ver%%"
"*}
  fi
  [ -n "$_pj_ver" ] || return 1
  # 25.0.3 | 21 | 25-ea | 17.0.15+6 | 1.8.0_392  ->  numeric dotted part, "1.x" -> "x"
  _pj_v=${_pj_ver%%[!0-9.]*}
  case $_pj_v in 1.*) _pj_v=${_pj_v#1.} ;; esac
  _pj_a=${_pj_v%%.*}
  _pj_v=${_pj_v#"$_pj_a"}
  _pj_v=${_pj_v#.}
  _pj_b=${_pj_v%%.*}
  _pj_v=${_pj_v#"$_pj_b"}
  _pj_v=${_pj_v#.}
  _pj_c=${_pj_v%%.*}
  _pj_maj=$(_pj_int "$_pj_a")
  _pj_b=$(_pj_int "$_pj_b")
  _pj_c=$(_pj_int "$_pj_c")
  [ "$_pj_b" -lt 1000 ] || _pj_b=999
  [ "$_pj_c" -lt 1000 ] || _pj_c=999
  _pj_key=$((_pj_maj * 1000000 + _pj_b * 1000 + _pj_c))
  [ "$_pj_maj" -gt 0 ]
}

# _pj_consider HOME: look at one candidate (once per real path). Returns 0 if it is good enough, and
# then sets _pj_home/_pj_ver/_pj_maj/_pj_key; records what it saw in _pj_found either way.
_pj_consider() {
  _pj_h=${1%/}
  [ -n "$_pj_h" ] || return 1
  [ -d "$_pj_h" ] || return 1
  _pj_h=$(cd -P -- "$_pj_h" 2>/dev/null && pwd -P) || return 1
  case ":$_pj_seen:" in *":$_pj_h:"*) return 1 ;; esac
  _pj_seen="$_pj_seen:$_pj_h"
  if ! _pj_probe "$_pj_h"; then
    [ -x "$_pj_h/bin/java" ] || return 1
    _pj_found="$_pj_found${_pj_found:+, }$_pj_h (version unknown)"
    _pj_say "$_pj_h: cannot read its version"
    return 1
  fi
  if [ "$_pj_maj" -lt "$_pj_min" ]; then
    _pj_found="$_pj_found${_pj_found:+, }$_pj_h ($_pj_ver)"
    _pj_say "$_pj_h: $_pj_ver is too old"
    return 1
  fi
  if [ -n "${PORTICO_NEED_JDK-}" ] && [ ! -x "$_pj_h/bin/javac" ]; then
    _pj_found="$_pj_found${_pj_found:+, }$_pj_h ($_pj_ver, a JRE: no javac)"
    _pj_say "$_pj_h: $_pj_ver has no javac"
    return 1
  fi
  _pj_say "$_pj_h: $_pj_ver fits"
  _pj_home=$_pj_h
  return 0
}

# portico_find_java: the search itself; 0 with JAVA_HOME/JAVA/PORTICO_JAVA_* set, or 1.
portico_find_java() {
  _pj_min=$(_pj_int "${PORTICO_JAVA_MIN:-21}")
  _pj_seen=
  _pj_found=
  _pj_home=
  _pj_best=
  _pj_best_key=0
  _pj_best_ver=
  _pj_best_maj=0
  _pj_jh=${JAVA_HOME-}

  # 1. JAVA_HOME
  if [ -n "$_pj_jh" ]; then
    if _pj_consider "$_pj_jh"; then
      _pj_best=$_pj_home _pj_best_ver=$_pj_ver _pj_best_maj=$_pj_maj
    elif [ ! -x "$_pj_jh/bin/java" ]; then
      _pj_found="$_pj_found${_pj_found:+, }JAVA_HOME=$_pj_jh (no bin/java)"
    fi
  fi

  # 2. java on PATH
  if [ -z "$_pj_best" ]; then
    _pj_j=$(command -v java 2>/dev/null) || _pj_j=
    case $_pj_j in
      /*)
        _pj_j=$(_pj_resolve "$_pj_j")
        _pj_d=${_pj_j%/bin/java}
        # macOS: /usr/bin/java is a stub, not a link; ask java_home for the real home
        if [ "$_pj_d" = /usr ] && [ -x /usr/libexec/java_home ]; then
          _pj_d=$(/usr/libexec/java_home 2>/dev/null) || _pj_d=/usr
        fi
        if _pj_consider "$_pj_d"; then
          _pj_best=$_pj_home _pj_best_ver=$_pj_ver _pj_best_maj=$_pj_maj
        fi
        ;;
    esac
  fi

  # 3. common install locations: the newest that fits
  if [ -z "$_pj_best" ]; then
    _pj_noglob=
    case $- in *f*) _pj_noglob=1 ;; esac
    set +f
    _pj_hm=${HOME-}
    for _pj_c in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* \
        ${_pj_hm:+"$_pj_hm"/.sdkman/candidates/java/*} ${_pj_hm:+"$_pj_hm"/.jdks/*} \
        /Library/Java/JavaVirtualMachines/*/Contents/Home; do
      if _pj_consider "$_pj_c" && [ "$_pj_key" -gt "$_pj_best_key" ]; then
        _pj_best=$_pj_home _pj_best_key=$_pj_key _pj_best_ver=$_pj_ver _pj_best_maj=$_pj_maj
      fi
    done
    if [ -n "$_pj_noglob" ]; then set -f; fi
  fi

  [ -n "$_pj_best" ] || return 1
  if [ -n "$_pj_jh" ] && [ "$_pj_jh" != "$_pj_best" ] &&
      [ "$(cd -P -- "$_pj_jh" 2>/dev/null && pwd -P)" != "$_pj_best" ]; then
    printf 'find-java: JAVA_HOME=%s is not Java %s+; using %s (%s)\n' \
      "$_pj_jh" "$_pj_min" "$_pj_best" "$_pj_best_ver" >&2
  fi
  # shellcheck disable=SC2034 # outputs, read by the sourcing script
  JAVA_HOME=$_pj_best
  export JAVA_HOME
  # shellcheck disable=SC2034
  JAVA=$_pj_best/bin/java
  PORTICO_JAVA_VERSION=$_pj_best_ver
  # shellcheck disable=SC2034
  PORTICO_JAVA_MAJOR=$_pj_best_maj
  _pj_say "using $JAVA_HOME ($PORTICO_JAVA_VERSION)"
  return 0
}

if ! portico_find_java; then
  printf 'Portico needs a JDK %s or newer; found: %s; set JAVA_HOME or install e.g. Temurin %s\n' \
    "$_pj_min" "${_pj_found:-no Java at all}" "$_pj_min" >&2
  exit 1
fi
