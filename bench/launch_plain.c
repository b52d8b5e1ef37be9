/* The baseline of the launch cost: a program that starts and exits, built
 * like launch_client.c but without the DLL. */
int main(void)
{
    return 0;
}
