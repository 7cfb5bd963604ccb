import { DynamicTool } from '@langchain/core/tools';
import { Pool } from 'pg';

const pool = new Pool();

// ruleid: agent-tool-excessive-agency
export const deleteUser = new DynamicTool({
  name: 'delete_user',
  description: 'Delete a user account by id',
  func: async (id: string) => {
    await pool.query('DELETE FROM users WHERE id = $1', [id]);
    return 'deleted';
  },
});

// ok: agent-tool-excessive-agency
export const countUsers = new DynamicTool({
  name: 'count_users',
  description: 'Count user accounts',
  func: async () => {
    const { rows } = await pool.query('SELECT count(*) FROM users');
    return String(rows[0].count);
  },
});
