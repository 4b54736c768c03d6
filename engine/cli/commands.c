/* commands.c: the table of dvk's subcommands: name, handler, usage and help. The usage text
 * is the help: `dvk help`, `dvk CMD --help` and usage errors all print from here. */
#include "cli/cli.h"

#include <stddef.h>

const dvk_command dvk_commands[] = {
    {"init", cmd_init, "dvk init",
     "create the database, or upgrade it to this version's schema",
     "  loads the fields declared by every province script into the database\n"},
    {"import", cmd_import, "dvk import units|models|appraisals|appraisers FILE.csv|FILE.xlsx [--sheet NAME] [--skip-bad REJECTS.csv] [--dry-run] [--replace] [--number-format auto|vi|plain]",
     "import a CSV file or an Excel workbook: every row is checked; a bad file imports nothing",
     "  --sheet NAME     the workbook's sheet to read (default: the first visible sheet whose\n"
     "                   header names the table's columns; hidden sheets only when named)\n"
     "  --skip-bad FILE  import the good rows; write the bad ones to FILE with their line and reason\n"
     "  --dry-run        check the whole file, write nothing\n"
     "  --replace        models: a stored model's metrics become the file's, even when the\n"
     "                   file lacks a metric the model has (refused otherwise: a misspelled\n"
     "                   column would drop it)\n"
     "  --number-format auto|vi|plain  how the file writes numbers (metrics, scores). auto\n"
     "                   (default): 1020000, 2.5, 1.020.000 and 2,5 are read as meant, and a\n"
     "                   value that reads two ways (1.149, 1,149) is refused; vi: a dot groups\n"
     "                   thousands, a comma marks decimals; plain: a dot marks decimals\n"
     "\n"
     "The first line names the columns, in any order; a name may be English or Vietnamese\n"
     "(case, accents, '_' and '-' do not matter):\n"
     "  units:      code (mã, mã đơn vị), name (tên, tên đơn vị), kind (loại, loại đơn vị),\n"
     "              parent (cấp trên, đơn vị cấp trên, trực thuộc), valid_from (hiệu lực từ,\n"
     "              từ ngày), valid_to (hiệu lực đến, đến ngày), successor (kế thừa, đơn vị kế\n"
     "              thừa, sáp nhập vào). Parents come before their children.\n"
     "  models:     code (mã, mã mô hình), name (tên, tên mô hình), unit (đơn vị, mã đơn vị),\n"
     "              kind (loại, loại hình, đối tượng), category (phân loại), field (lĩnh vực),\n"
     "              level (cấp, cấp công nhận), year (năm), registration (đăng ký, hình thức\n"
     "              đăng ký), started_on (ngày bắt đầu), address (địa chỉ), description (mô tả,\n"
     "              nội dung), synthetic (giả lập); the registration dossier's items as text:\n"
     "              dossier_situation, _goals, _method, _scope, _forces, _resources, _timing,\n"
     "              _outputs, _sustainability (or their headings in `dvk template models`),\n"
     "              stored in description as \"Heading: text\" lines after it; any other\n"
     "              column is a numeric metric (empty cell: unknown)\n"
     "  appraisals: model (mô hình, mã mô hình), criterion (tiêu chí), appraiser (người chấm,\n"
     "              thành viên), score (điểm), note (ghi chú), level (cấp: the council's\n"
     "              round; absent or empty: the model's own level), origin (nguồn, phiếu\n"
     "              chấm: the score sheet the score came from); model_name (tên mô hình),\n"
     "              criterion_name (tên tiêu chí) and max (điểm tối đa), the informational\n"
     "              columns of a score sheet (dvk sheets), are read and ignored\n"
     "  appraisers: the council's members: code (mã, mã thành viên), name (tên, họ tên),\n"
     "              unit (đơn vị, đơn vị công tác), role (chức vụ, vai trò), province (tỉnh:\n"
     "              for a member without a unit of the province), level (cấp, cấp hội đồng:\n"
     "              the levels whose council they sit on, separated by commas; empty: every\n"
     "              level)\n"
     "  any table:  stt (tt, số tt, số thứ tự): the row's number in the list, not stored\n"
     "Values: kind tap-the|ca-nhan|ho-gia-dinh, category mo-hinh|dien-hinh, level one of\n"
     "the province script's levels, registration moi|tiep-tuc, unit kind province|district|commune|\n"
     "party-committee|agency|mass-organisation; Vietnamese words are accepted (\"Tập thể\",\n"
     "\"Tiếp tục\"); field by id or name; dates YYYY-MM-DD or DD/MM/YYYY.\n"
     "UTF-8 (a BOM is fine), any line ends, text stored in NFC. Importing a row whose code is\n"
     "stored already updates that row when it differs and changes nothing when it is equal, so\n"
     "importing a file twice changes nothing. A cell written by `dvk export` as '=... (an\n"
     "apostrophe before = + - @ TAB or CR) is read back without that one apostrophe.\n"
     "Appraisals: criterion is one of the province script's criteria and score is from 0 to\n"
     "its max; one score per model, level, criterion and appraiser. The scores of one level\n"
     "are that level's council's round: a level with no scores of its own reads none. A\n"
     "member (appraisers, matched by code or name) who scores a model of their own unit is\n"
     "refused (recusal), unless the province script sets council.recusal = \"none\". Text: control characters (ESC, BEL, any C0 but TAB and line ends, DEL, C1) are\n"
     "refused in every cell; codes (code, unit, parent, successor, model, criterion) also\n"
     "refuse TAB, line ends, bidirectional marks (U+200E/F, U+202A-202E, U+2066-2069) and\n"
     "zero-width characters (U+200B-200D, U+2060, U+FEFF); names (name, appraiser) have those\n"
     "marks removed.\n"
     "Excel (.xlsx): the same rules, read from a sheet: title rows above the header and a\n"
     "notes row right below it (first cell \"(ghi chú)...\", as `dvk template` writes) are\n"
     "skipped; a merged cell counts in every cell it covers; date cells are dates; number\n"
     "cells are numbers whatever --number-format says; problems name the cell\n"
     "(FILE:Sheet!C7). A legacy .xls, an .ods, UTF-16 or Windows-1258 text or a CSV\n"
     "separated by ';' or tabs is refused with how to save it (Excel: Save As \"CSV UTF-8\n"
     "(Comma delimited)\" or \"Excel Workbook (.xlsx)\").\n"},
    {"export", cmd_export, "dvk export models|results [--run N] [--format csv|json|xlsx] [--bom] [-o FILE]",
     "export models or a run's results",
     "  --format csv|json|xlsx  CSV (default), a JSON array of objects, or an Excel sheet\n"
     "                      (xlsx needs -o FILE.xlsx)\n"
     "  --bom               start the CSV with a UTF-8 BOM (for spreadsheet programs)\n"
     "  -o, --output FILE   write FILE (complete or not at all); default: standard output\n"
     "  --run N             results: the run (default: the latest)\n"
     "  --province P        models: only province P\n"
     "  --year Y            models: only year Y\n"
     "CSV text cells that start with = + - @ TAB or CR get a leading apostrophe so that a\n"
     "spreadsheet does not run them; `dvk import` removes it again. Numbers are written as\n"
     "they are. The same rule holds for every CSV dvk writes (stats, reports, tables).\n"},
    {"template", cmd_template, "dvk template units|models|appraisals --province P [--year Y] [--level L] [--rows N] [-o FILE.xlsx]",
     "write an Excel template to send out, fill in and import back",
     "  --province P       the province (its units, fields, levels and criteria)\n"
     "  --year Y           the year of the registrations (units and models of that year)\n"
     "  --level L          models: the only level offered; appraisals: that level's models\n"
     "  --rows N           rows with dropdowns and checks (default 1000)\n"
     "  -o, --output FILE  default: mau-TABLE-P.xlsx\n"
     "The first sheet has the columns `dvk import` reads, with Vietnamese headers, a notes row\n"
     "(first cell \"(ghi chú)...\", skipped on import), dropdowns for kind, category, field,\n"
     "level, registration, unit and model codes and criteria, date and number cells checked;\n"
     "then an instructions sheet and a hidden sheet of lists (DanhMuc). Models templates add\n"
     "the items of a registration dossier (situation, goals, method, scope, forces, resources,\n"
     "timing, outputs, sustainability) as text columns: import stores them in the model's\n"
     "description, one \"Heading: text\" line each. A filled template imports with no edits.\n"},
    {"decide", cmd_decide, "dvk decide --province P --year Y --level L [--unit CODE | --each-unit] [--dry-run] [--compare RUN] [--verbose] [--allow-missing-scores]",
     "run the province script over a year's candidates and store the decision run",
     "  --province P   the province code (scripts/provinces/P.lua)\n"
     "  --year Y       the year of the registrations\n"
     "  --level L      the level deciding (one of the province's levels)\n"
     "  --unit CODE    a unit deciding for its own subtree (a district, a party committee),\n"
     "                 units merged into it included\n"
     "  --each-unit    one run for every deciding unit of the level, in one transaction:\n"
     "                 at the lowest level (co-so) every unit with no unit under it that\n"
     "                 exists on 31/12 of the year (communes, wards, agencies), at huyen every\n"
     "                 unit directly under the province; a unit without candidates gets no\n"
     "                 run; if any unit's run fails, nothing is stored; prints a table\n"
     "  --dry-run      evaluate and print the summary, store nothing\n"
     "  --compare RUN  afterwards, list what changed against an earlier run (as dvk diff)\n"
     "  --verbose      print every model's outcome\n"
     "  --allow-missing-scores  decide even though some eligible candidates have no council\n"
     "                 scores (appraisals) while other models of the province and year have\n"
     "                 some (refused otherwise, naming them)\n"
     "No candidates (no models of the year at the level, no proposals from the level below):\n"
     "refused, nothing stored (a dry run says so too). What `dvk check` calls an error is\n"
     "refused first, nothing stored.\n"},
    {"check", cmd_check, "dvk check --province P --year Y [--level L] [--unit CODE]",
     "before deciding: what would go wrong (exit 1 on an error, 0 with warnings only)",
     "  --province P   the province code\n"
     "  --year Y       the year of the registrations\n"
     "  --level L      only this level (default: every level of the province, lowest first)\n"
     "  --unit CODE    only the candidates of this unit's subtree\n"
     "Each candidate is evaluated with the province script, as dvk decide would (nothing is\n"
     "stored). Errors (a decision would be wrong; dvk decide refuses them): a candidate whose\n"
     "unit is not in the province's unit tree, whose field the script does not declare, or\n"
     "that started after the cutoff; a council criterion with fewer scores than the script's\n"
     "council.min_members (below = \"error\"); a script error on a candidate. Warnings: a\n"
     "metric the script reads that candidates lack (by name, with how many lack it); models\n"
     "council.min_members makes ineligible; eligible candidates without council scores at the\n"
     "level while others have some (dvk decide refuses them unless --allow-missing-scores).\n"
     "Models are named, the first 10 of each finding.\n"},
    {"sheets", cmd_sheets, "dvk sheets --province P --year Y --level L [--unit CODE] "
     "[--format xlsx|docx|html|pdf] [-o DIR]",
     "write one score sheet per council member (XLSX, or a printable form), for the "
     "council's round at a level",
     "  --province P   the province code\n"
     "  --year Y       the year of the registrations\n"
     "  --level L      the council's level (the candidates are dvk decide's at that level)\n"
     "  --unit CODE    only the candidates of this unit's subtree\n"
     "  --format F     xlsx (default): the sheet to fill in and import back; docx, html or\n"
     "                 pdf: the same sheet as a form to print, fill in by hand and sign (PDF\n"
     "                 through LibreOffice or Chromium, as dvk report)\n"
     "  -o, --output DIR  the folder to write to (default: the current folder); one file per\n"
     "                 member, named <member code>.<format>, replaced whole\n"
     "The members are the province's appraisers who sit at the level (dvk import appraisers,\n"
     "its level column). A sheet lists the\n"
     "member's candidates (the models of their own unit left out: recusal, unless the\n"
     "province script sets council.recusal = \"none\") and each criterion the council scores\n"
     "(council = true) with its maximum; the score cells accept a number from 0 to it. The\n"
     "first sheet is the appraisals import layout (its extra columns - model name, criterion\n"
     "name, maximum - are ignored by the import; origin names the file), so a filled sheet\n"
     "imports back with `dvk import appraisals`. The second sheet holds the instructions and\n"
     "the signature line. The printable form has the letterhead of the deciding body's\n"
     "decisions (the province's family and `decision` table, docs/reports.md), the member,\n"
     "the instructions, one table (each candidate's criteria with their maximum, an empty\n"
     "score and \"Ghi chú\"), the date line and \"NGƯỜI CHẤM (ký, ghi rõ họ tên)\"; the\n"
     "office types the scores into the member's XLSX to import them.\n"},
    {"council", cmd_council, "dvk council --run N [--model CODE]",
     "each council member's scores beside the run's result, and who recused",
     "  --run N        the run\n"
     "  --model CODE   only this model\n"
     "For every model of the run with council scores at the run's level: per criterion the\n"
     "score of each member (appraiser) and the points the run gave (-> points / max), then\n"
     "the province's members who recused (their unit is the model's; dvk import appraisers).\n"
     "`dvk runs show N MODEL` ends with the same lines for one model.\n"},
    {"runs", cmd_runs, "dvk runs [--province P] [--year Y] | runs show N [MODEL] | runs finalize N --number NUMBER --date DATE [--force-date] [--superseded]",
     "list runs, explain a run's models, or make a run final",
     "  --province P, --year Y   only these runs; with both, also the units with no run\n"
     "  show N [MODEL]           every model's gates, points and notes, outcome and quota effect\n"
     "  finalize N               make run N final and immutable, with its decision number and date\n"
     "  --number NUMBER          stored and printed as written (\"125-QĐ/BDVTU\"); a bare \"125\"\n"
     "                           gets the province's symbol on the decision; no control or\n"
     "                           invisible characters\n"
     "  --date YYYY-MM-DD        a real date in the run's year or the next\n"
     "  --force-date             accept a date outside that window\n"
     "  --superseded             finalize a draft that a newer run of the same province, year,\n"
     "                           level and unit replaced (refused otherwise)\n"
     "  --receipt FILE           also write the decision's receipt (run, decision, digest, the\n"
     "                           audit log's count and head, fingerprint) to FILE; keep it\n"
     "                           outside the database and check it with dvk verify --receipt\n"
     "  --sign KEYFILE           sign the decision with the office's private key (dvk keys):\n"
     "                           the signature is kept in the audit log and the receipt\n"
     "  receipt N [-o FILE] [--sign KEYFILE]\n"
     "                           write final run N's receipt again (default: standard output);\n"
     "                           --sign signs a run made final without it first\n"
     "  revoke N [MODEL...] --number NUMBER --date DATE --reason TEXT\n"
     "                           record a decision revoking final run N, or the named models\n"
     "                           of it; stats and later candidates no longer count them\n"
     "  delete N                 delete draft run N (a final run is never deleted)\n"},
    {"report", cmd_report, "dvk report RUN NAME [--format md|html|csv|xlsx|json|docx|pdf] [-o FILE] [--against RUN] [--successors] [--current-script] | dvk report --list",
     "render a report of a run",
     "  --current-script  a final run renders with the scripts it kept when it was made final;\n"
     "                    this renders it with today's instead (a note on stderr says so)\n"},
    {"diff", cmd_diff, "dvk diff RUN_A RUN_B", "what-if: which rules and models changed (outcome, rank, total, reasons), and why", NULL},
    {"stats", cmd_stats, "dvk stats --province P --year Y [--by field|unit|level|kind|registration|category|outcome] [--level L] [--unit CODE]",
     "registered / recognised / exemplary counts, as provinces publish them",
     "  --by KEY       group by field (default), unit, level, kind, registration, category\n"
     "                 or outcome\n"
     "  --level L      models registered at level L, and those recognised or proposed by the\n"
     "                 decisions at level L (candidates proposed from below included)\n"
     "  --unit CODE    only models of that unit and the units under it (units merged into\n"
     "                 them included)\n"
     "  --format F     table, box, csv, markdown or json\n"
     "  --successors   show units that no longer exist in their successors' rows\n"},
    {"test", cmd_test, "dvk test [--coverage [--coverage-format text|json]] [FILE_test.lua ...]",
     "run the province scripts' tests",
     "  --coverage     also show what the tests exercised: for each script file the lines\n"
     "                 run of its executable lines and the ranges never run, and for each\n"
     "                 province its gates, criteria, outcomes and quotas, each with how many\n"
     "                 cases reached it or NOT HIT\n"
     "  --coverage-format F  text (default) or json (the test lines then go to stderr)\n"},
    {"repl", cmd_repl, "dvk repl [--province P]", "interactive Lua over the database",
     "Each line has 512 MiB, 2,000,000,000 instructions and 120 s (Ctrl-C stops it). Writes\n"
     "only through dvk.decide and dvk.finalize on your own lines; province scripts loaded\n"
     "here never see them (docs/lua-api.md, section 10).\n"},
    {"exec", cmd_exec, "dvk exec FILE.lua [ARGS...]", "run a Lua file with the same API as the REPL",
     "The whole run has 512 MiB, 2,000,000,000 instructions and 120 s, as a REPL line.\n"},
    {"demo", cmd_demo, "dvk demo [--out DIR]",
     "build a fresh database from the bundled datasets and run every province end to end",
     "  --out DIR      folder for the database and reports (default: a new temporary folder)\n"},
    {"synth", cmd_synth, "dvk synth --models N [--seed S] [--year Y] [--province P] [-o FILE] [--units-out FILE]",
     "write a synthetic models CSV for scale tests",
     "  --models N          how many models (rows)\n"
     "  --seed S            the same seed gives the same file (default 1)\n"
     "  --year Y            registration year (default 2023)\n"
     "  --province P        only units of province P (from the database)\n"
     "  -o, --output FILE   default: standard output\n"
     "  --units-out FILE    also write the built-in province's units CSV (implies --builtin)\n"
     "  --fields-out FILE   also write its fields as province,id,name (implies --builtin)\n"
     "  --builtin           use the built-in province gia-lap even when the database exists\n"
     "Units and fields come from the database (--db) when it exists, else from the built-in\n"
     "province. Every row has synthetic = 1.\n"},
    {"verify", cmd_verify, "dvk verify [--receipt FILE] [--key PUBFILE]",
     "check the database: integrity, the audit hash chain and every final run's digest",
     "  --receipt FILE   also check the database against a receipt written at finalize: the run\n"
     "                   is final with the receipt's digest, and the audit log still holds the\n"
     "                   records it had then (a rewritten or truncated log fails)\n"
     "  --key PUBFILE    also check that every final run is signed with the office's key\n"
     "                   (PUBFILE: the public key the office gave you, never one read from\n"
     "                   the database); a run that is unsigned, signed with another key, or\n"
     "                   whose signature no longer matches (forged) fails. With --receipt, the\n"
     "                   receipt's signature is checked too\n"
     "The database alone cannot prove that nobody rewrote it whole: the head and count printed\n"
     "here, a receipt, the fingerprint printed on a decision (\"Mã kiểm tra\") or the\n"
     "office's signature (--key) can.\n"},
    {"keys", cmd_keys, "dvk keys new [-o FILE] | keys show FILE",
     "create the office's signing key, or show a key's public half and fingerprint",
     "  new [-o FILE]    create an Ed25519 key pair: FILE (default dvk.key) holds the private\n"
     "                   key (mode 0600), FILE.pub the public key line (\"dvk-ed25519 ...\");\n"
     "                   an existing file is never replaced\n"
     "  show FILE        print the public key line and its fingerprint (FILE: either file)\n"
     "Sign decisions with `dvk runs finalize N ... --sign FILE` (or, for a run final already,\n"
     "`dvk runs receipt N --sign FILE`); check them with `dvk verify --key FILE.pub`. Keep the\n"
     "private key off the shared computer: whoever holds it signs as the office.\n"},
    {NULL, NULL, NULL, NULL, NULL},
};
