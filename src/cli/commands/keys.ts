import type { Command } from 'commander';
import { generateKeyPair } from '../../crypto/index.js';
import { keyPairToJSON, readKeyFile, writeKeyFile } from '../../node/keyFile.js';
import { print, runCommand } from '../output.js';

export function registerKeysCommands(program: Command): void {
  const keys = program.command('keys').description('Ed25519 key pairs: a household, a meter or a miner');
  keys
    .command('new')
    .description('generate a key pair; prints it, or writes it to --out (mode 0600) and prints the address')
    .option('--out <file>', 'write the key file here')
    .option('--force', 'overwrite an existing key file', false)
    .action((options: { out?: string; force: boolean }) =>
      runCommand(async () => {
        const keyPair = generateKeyPair();
        if (options.out) {
          writeKeyFile(options.out, keyPair, options.force);
          print(keyPair.address);
        } else {
          print(JSON.stringify(keyPairToJSON(keyPair), null, 2));
        }
        return 0;
      }),
    );
  keys
    .command('show <file>')
    .description('check a key file and print its address and public key')
    .action((file: string) =>
      runCommand(async () => {
        const keyPair = readKeyFile(file);
        const json = keyPairToJSON(keyPair);
        print(JSON.stringify({ address: json.address, publicKey: json.publicKey }, null, 2));
        return 0;
      }),
    );
}
