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
# An embedder links the installed engine through pkg-config (dvk.pc), with only the
# installed headers: open a database, load a unit tree, format a number.
cd "$OLDPWD"
cat > embed.c <<'C'
#include <stdio.h>
#include "dvk/format.h"
#include "dvk/store.h"
#include "dvk/units.h"
int main(void)
{
    dvk_error err;
    dvk_store *s = dvk_store_open("embed.db", DVK_STORE_CREATE, &err);
    if (!s) { fprintf(stderr, "%s\n", err.msg); return 1; }
    dvk_units *t;
    if (dvk_units_load(s, NULL, &t, &err) != DVK_OK) { fprintf(stderr, "%s\n", err.msg); return 1; }
    char num[DVK_FORMAT_MAX];
    dvk_format_vi(1020000000, 0, 0, num, sizeof num);
    printf("embedded: schema %d, %zu units, %s\n", dvk_store_version(s), dvk_units_count(t), num);
    dvk_units_free(t);
    dvk_store_close(s);
    return 0;
}
C
pc=$(find inst -name dvk.pc | head -n 1)
[ -n "$pc" ] && echo "dvk.pc installed" && export PKG_CONFIG_PATH="$(dirname "$pc")"
cc -o embed embed.c $(pkg-config --cflags dvk) $(pkg-config --static --libs dvk) 2>&1 | head -n 5
[ -x embed ] && ./embed
# An office's own folder with only its province file: the installed dvk takes the library and
# the built-in reports from share/dvk/scripts, and names the installed file in an error.
mkdir -p office/provinces
cp inst/share/dvk/scripts/provinces/thai-nguyen.lua office/provinces/
inst/bin/dvk --scripts office report --list | cut -d' ' -f1 | tr '\n' ' '; echo
printf 'return require("khong-co")\n' > office/provinces/thai-nguyen.lua
inst/bin/dvk --db y.db --scripts office init 2>&1 | sed "s|$PWD|\$PWD|g"
