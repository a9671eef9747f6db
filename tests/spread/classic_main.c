/* SPDX-License-Identifier: BSD-3-Clause
 *
 * main() for the classic programs: they name their entry points
 * spread_classic_<name>_main (so the two can share one object file when
 * only compiled); this calls the one CLASSIC_ENTRY names.
 */
#ifndef CLASSIC_ENTRY
#error "CLASSIC_ENTRY must name the program's entry point"
#endif

int CLASSIC_ENTRY(int argc, char *argv[]);

int main(int argc, char *argv[])
{
	return CLASSIC_ENTRY(argc, argv);
}
