# `cmake --install` puts dvk in bin/ and the scripts and datasets in share/dvk/, and the
# installed dvk finds them without flags or environment.
build=$(dirname "$DVK")
cmake --install "$build" --prefix "$PWD/inst" > /dev/null || echo "install failed"
unset DVK_SCRIPTS DVK_DATASETS
ls inst/bin
[ -f inst/share/dvk/scripts/provinces/_mau.lua ] && echo "template installed"
[ -f inst/share/dvk/datasets/figures.csv ] && echo "datasets installed"
cd /tmp && "$OLDPWD/inst/bin/dvk" --db "$OLDPWD/x.db" init | sed "s|$OLDPWD|\$PWD|g"
"$OLDPWD/inst/bin/dvk" test | tail -n 1 | sed 's/^[0-9]* passed, 0 failed$/all province tests pass/'
