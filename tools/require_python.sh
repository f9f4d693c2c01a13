# Sourced by the bench scripts: `require_python SCRIPT PYTHON MODULES VARIABLE [PACKAGES]` stops the
# script with one line naming the interpreter, the modules it lacks and how to get them, unless
# PYTHON imports every module of MODULES ("torch, numpy"). VARIABLE is the setting that points
# elsewhere; PACKAGES, the pip packages when their names differ from the modules'.
require_python() {
  local script=$1 python=$2 modules=$3 variable=$4 packages=${5:-${3//,/}}
  if ! "$python" -c "import $modules" 2>/dev/null; then
    echo "$script: needs $python with the modules $modules (python3 -m venv VENV && VENV/bin/pip install $packages; or set $variable)" >&2
    exit 1
  fi
}
