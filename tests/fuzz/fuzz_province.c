/* fuzz_province.c: libFuzzer target for the province loader: the input is the text of a
 * province file, run in a fresh sandbox (small memory cap and instruction budget) as
 * @scripts/provinces/fuzz.lua; whatever it returns goes through dvk_script_check, the
 * validation every province description gets. Errors are expected; crashes, leaks, hangs
 * past the budget and sanitizer reports are not. */
#include <stdint.h>
#include <stdlib.h>

#include "dvk/sandbox.h"
#include "dvk/script.h"

#ifndef DVK_FUZZ_SCRIPTS
#define DVK_FUZZ_SCRIPTS "scripts"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    dvk_sandbox_limits lim = dvk_sandbox_defaults();
    lim.mem_bytes = 16u << 20;
    lim.instructions = 2000000;
    lim.wall_seconds = 5;
    dvk_error err;
    dvk_error_clear(&err);
    lua_State *L = dvk_sandbox_new(NULL, DVK_FUZZ_SCRIPTS, &lim, &err);
    if (!L)
        return 0;
    const char *chunk = "@scripts/provinces/fuzz.lua";
    int top = lua_gettop(L);
    if (dvk_sandbox_run(L, (const char *)data, size, chunk, 1, &err) == DVK_OK) {
        dvk_province *p = dvk_script_check(L, chunk, &err);  /* pops the description */
        dvk_province_free(L, p);
    }
    lua_settop(L, top);
    dvk_sandbox_free(L);
    return 0;
}
